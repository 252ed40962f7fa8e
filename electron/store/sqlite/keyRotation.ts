// A rotation of the data key is an entry of the device's audit trail (issue 25), pushed to the central service with
// the others. The rotation runs with the store closed (electron/api/rekey.ts), so the entry is written into the
// store's re-encrypted copy before that copy replaces the file: it is there exactly when the store is under the new
// key, once, however often a rotation cut short is resumed.
import { PersonRef } from '../../../shared/contract/cases';
import { AuditLog } from './audit';
import type { Db } from './database';

/** Where an in-app request leaves who asked (JSON {id, displayName}), for the entry the rotation writes at the restart. */
export const keyRotationRequestKey = 'keyRotation.requestedBy';

function requester(text: string | undefined): { id: string; displayName: string } | null {
  if (text === undefined) return null;
  try {
    const parsed = PersonRef.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Appends `data_key_rotated` (offline: nothing is connected while the folder is closed) and clears the request. */
export function recordKeyRotation(db: Db, deviceId: string, at: number): void {
  db.transaction(() => {
    const requested = db.prepare<[string], { value: string }>(`SELECT value FROM sync_state WHERE key = ?`).get(keyRotationRequestKey);
    const actor = requester(requested?.value);
    new AuditLog(db).append({ at, action: 'data_key_rotated', applicationId: null, actor, deviceId, online: false, details: { requestedInApp: actor !== null } });
    db.prepare<[string]>(`DELETE FROM sync_state WHERE key = ?`).run(keyRotationRequestKey);
  })();
}
