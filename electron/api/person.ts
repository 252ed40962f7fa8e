import { userInfo } from 'node:os';
import type { Person } from '../../shared/domain';

/** Until central sign-in exists, the person at the workstation is the local operating-system user, as a reviewer. */
export function localReviewer(): Person {
  let username = 'reviewer';
  try {
    username = userInfo().username || username;
  } catch {
    // Some sandboxes have no passwd entry; the generic name is fine.
  }
  return { id: `local:${username}`.slice(0, 64), displayName: username.slice(0, 200), role: 'reviewer' };
}
