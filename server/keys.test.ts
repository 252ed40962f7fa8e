// The keys R2 and R3 count under: one key per document (type, number, issuing location) and per enterprise
// (name, registration number), whatever case, width, spacing or hyphens the applicant typed.
import { describe, expect, it } from 'vitest';
import type { Identity } from '../shared/domain';
import { identityKeys } from './keys';

type Individual = Extract<Identity, { kind: 'individual' }>;
type Enterprise = Extract<Identity, { kind: 'enterprise' }>;

const person: Individual = { kind: 'individual', fullName: 'SPECIMEN Person', documentType: 'passport', documentNumber: 'E12345678', issuingLocation: 'CN' };
const company: Enterprise = { kind: 'enterprise', enterpriseName: 'Acme Trading Ltd', registeredAddress: '1 Market Street', businessRegistrationNumber: '91110105MA01ABCD2X' };

const docKey = (overrides: Partial<Individual>) => identityKeys({ ...person, ...overrides }).docKey;
const entKeys = (overrides: Partial<Enterprise>) => {
  const { entNameKey, entRegKey } = identityKeys({ ...company, ...overrides });
  return { entNameKey, entRegKey };
};

describe('the document key (R2)', () => {
  it('is another key for the same number at another issuing location or of another document type', () => {
    const key = docKey({});
    expect(docKey({ issuingLocation: 'HK' })).not.toBe(key);
    expect(docKey({ issuingLocation: 'TW' })).not.toBe(docKey({ issuingLocation: 'HK' }));
    expect(docKey({ documentType: 'id_card' })).not.toBe(key);
    expect(docKey({ documentNumber: 'E12345679' })).not.toBe(key);
  });

  it.each([
    ['lower case', 'e12345678'],
    ['full-width characters', 'Ｅ１２３４５６７８'],
    ['spaces around and inside', '  E 1234 5678 '],
    ['an ideographic space', 'E1234\u30005678'],
    ['hyphens', 'E-1234-5678'],
    ['all of them', ' ｅ－1234\u3000５６７８'],
  ])('is the same key for the number typed with %s', (_how, typed) => {
    expect(docKey({ documentNumber: typed })).toBe(docKey({}));
  });

  it('is the only key of an individual', () => {
    expect(identityKeys(person)).toEqual({ docKey: expect.any(String), entNameKey: null, entRegKey: null });
  });
});

describe('the enterprise keys (R3)', () => {
  it.each([
    ['upper case', { enterpriseName: 'ACME TRADING LTD' }],
    ['full-width characters', { enterpriseName: 'Ａｃｍｅ Trading Ｌｔｄ' }],
    ['spaces around and doubled inside', { enterpriseName: '  Acme   Trading\u3000Ltd ' }],
  ])('fold the name typed in %s to the same key', (_how, typed) => {
    expect(entKeys(typed).entNameKey).toBe(entKeys({}).entNameKey);
  });

  it.each([
    ['lower case', '91110105ma01abcd2x'],
    ['full-width characters', '９１１１０１０５ＭＡ０１ＡＢＣＤ２Ｘ'],
    ['spaces and hyphens', ' 91110105-MA01 ABCD-2X '],
  ])('fold the registration number typed in %s to the same key', (_how, typed) => {
    expect(entKeys({ businessRegistrationNumber: typed }).entRegKey).toBe(entKeys({}).entRegKey);
  });

  it('keep other names and numbers apart, and the words of a name', () => {
    expect(entKeys({ enterpriseName: 'Acme Trading Co' }).entNameKey).not.toBe(entKeys({}).entNameKey);
    expect(entKeys({ enterpriseName: 'AcmeTrading Ltd' }).entNameKey).not.toBe(entKeys({}).entNameKey);
    expect(entKeys({ businessRegistrationNumber: '91110105MA01ABCD2Y' }).entRegKey).not.toBe(entKeys({}).entRegKey);
  });

  it('are the only keys of an enterprise', () => {
    expect(identityKeys(company)).toEqual({ docKey: null, entNameKey: expect.any(String), entRegKey: expect.any(String) });
  });
});
