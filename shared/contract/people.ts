// People administration (role admin): create people, set their role, reset passwords (forcing a change at the next
// sign-in), deactivate; every change is audited. The password policy lives here so any client can say why early.
import { z } from 'zod';
import { Instant } from '../domain';
import { lineText } from '../text';
import { CentralRole } from './roles';

/** A new username: lower-case letters, digits, dot, dash and underscore, starting with a letter or digit. */
export const NewUsername = lineText(64).regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'use 2 to 64 lower-case letters, digits, ".", "-" or "_", starting with a letter or digit');
const Password = lineText(200).min(1);

export const passwordPolicy = { minLength: 12, maxLength: 200, minDistinctCharacters: 5 } as const;

/**
 * What is wrong with a new password, in words a person can act on, or null when it passes. Length counts code
 * points. A password may not contain the username, and the demo password is refused whatever its length.
 */
export function passwordProblem(password: string, username: string): string | null {
  const length = [...password].length;
  if (length < passwordPolicy.minLength) return `The password needs at least ${passwordPolicy.minLength} characters (it has ${length})`;
  if (length > passwordPolicy.maxLength) return `The password may have at most ${passwordPolicy.maxLength} characters`;
  if (new Set(password).size < passwordPolicy.minDistinctCharacters) {
    return `The password needs at least ${passwordPolicy.minDistinctCharacters} different characters`;
  }
  if (username.length > 0 && password.toLowerCase().includes(username.toLowerCase())) return 'The password may not contain the username';
  if (/^verity-demo/i.test(password)) return 'The demo password may not be used';
  return null;
}

export const PersonRecord = z
  .object({
    username: lineText(64).min(1),
    displayName: lineText(200).min(1),
    role: CentralRole,
    active: z.boolean(),
    /** Set by a password reset or an admin-made password: every route but the password change refuses until changed. */
    mustChangePassword: z.boolean(),
    deactivatedAt: Instant.nullable(),
  })
  .strict();
export type PersonRecord = z.infer<typeof PersonRecord>;

export const PeopleResponse = z.object({ people: z.array(PersonRecord) }).strict();
export type PeopleResponse = z.infer<typeof PeopleResponse>;

/** The password is the first one: the person must change it at the first sign-in. */
export const CreatePersonRequest = z
  .object({ username: NewUsername, displayName: lineText(200).trim().min(1), role: CentralRole, password: Password })
  .strict();
export type CreatePersonRequest = z.infer<typeof CreatePersonRequest>;

export const SetRoleRequest = z.object({ role: CentralRole }).strict();
export type SetRoleRequest = z.infer<typeof SetRoleRequest>;

/** A temporary password the admin hands over; the person's sessions end and a change is forced at the next sign-in. */
export const ResetPasswordRequest = z.object({ password: Password }).strict();
export type ResetPasswordRequest = z.infer<typeof ResetPasswordRequest>;

export const DeactivateRequest = z.object({ reason: lineText(500).optional() }).strict();
export type DeactivateRequest = z.infer<typeof DeactivateRequest>;

export const DeactivateResponse = z
  .object({
    person: PersonRecord,
    /** Open applications taken back from the person's queue into the pool at once. */
    releasedApplications: z.number().int().min(0),
    /** Access and refresh tokens that stopped working. */
    revokedTokens: z.number().int().min(0),
  })
  .strict();
export type DeactivateResponse = z.infer<typeof DeactivateResponse>;

export const ChangePasswordRequest = z.object({ currentPassword: Password, newPassword: Password }).strict();
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

export const personChangeActions = ['created', 'role_set', 'password_reset', 'password_changed', 'deactivated'] as const;
export const PersonChange = z
  .object({
    id: z.number().int(),
    username: lineText(64).min(1),
    action: z.enum(personChangeActions),
    /** Who made the change: a person, or null for the `npm run server -- people` command on the server's host. */
    changedBy: lineText(64).nullable(),
    changedAt: Instant,
    /** What changed (role from/to, the reason of a deactivation, counts); never a password or its hash. */
    detail: z.record(lineText(64), z.union([lineText(500), z.number(), z.boolean(), z.null()])),
  })
  .strict();
export type PersonChange = z.infer<typeof PersonChange>;

export const PersonChangesResponse = z.object({ changes: z.array(PersonChange) }).strict();
export type PersonChangesResponse = z.infer<typeof PersonChangesResponse>;
