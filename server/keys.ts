// Normalised keys under which identities are compared for R2 (one document, one account) and R3
// (five accounts per enterprise): case, width and spacing differences must not dodge the rules.
import type { Identity } from '../shared/domain';

const fold = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ');

export interface IdentityKeys {
  docKey: string | null;
  entNameKey: string | null;
  entRegKey: string | null;
}

export function identityKeys(identity: Identity): IdentityKeys {
  if (identity.kind === 'individual') {
    const number = fold(identity.documentNumber).toUpperCase().replace(/[\s-]/g, '');
    return { docKey: `${identity.documentType}|${number}|${identity.issuingLocation}`, entNameKey: null, entRegKey: null };
  }
  return {
    docKey: null,
    entNameKey: fold(identity.enterpriseName).toLowerCase(),
    entRegKey: fold(identity.businessRegistrationNumber).toUpperCase().replace(/[\s-]/g, ''),
  };
}
