// Who works at this workstation. With a central service, sign-in asks it, and a successful sign-in
// is cached as a local profile (scrypt-hashed) so the same person can sign in while offline; without
// one, people are local profiles only. Locking keeps the person but serves no applicant data until
// they sign in again.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { SessionState } from '../../shared/contract/app';
import { Person } from '../../shared/domain';
import { DomainError } from '../../shared/errors';
import { lineText } from '../../shared/text';

const LocalProfile = Person.extend({
  username: lineText(64).min(1),
  salt: z.string().regex(/^[0-9a-f]{32}$/),
  hash: z.string().regex(/^[0-9a-f]{128}$/),
});
type LocalProfile = z.infer<typeof LocalProfile>;
/** people.json, checked like any input: it is a file anyone with the folder can edit. */
export const ProfilesFile = z.object({ version: z.literal(1), people: z.array(LocalProfile) });

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keyLength: number) => Promise<Buffer>;
// On libuv's pool: one hash takes 50–90 ms of CPU, which on the main thread would stall the app at every sign-in.
const hashPassword = async (password: string, salt: string) => (await scryptAsync(password.normalize('NFKC'), Buffer.from(salt, 'hex'), 64)).toString('hex');

export class LocalProfiles {
  constructor(private readonly path: string) {}

  private read(): LocalProfile[] {
    if (!existsSync(this.path)) return [];
    const parsed = ProfilesFile.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
    if (!parsed.success) throw new DomainError('profiles_damaged', `The local profiles file ${this.path} is damaged; restore it from a backup or remove it to set people up again.`);
    return parsed.data.people;
  }

  get isEmpty(): boolean {
    return this.read().length === 0;
  }

  /** Adds or replaces a person's profile. */
  async save(person: Person & { username: string }, password: string): Promise<void> {
    const salt = randomBytes(16).toString('hex');
    const profile = LocalProfile.parse({ ...person, salt, hash: await hashPassword(password, salt) });
    // From here to the rename nothing awaits, so concurrent saves cannot lose each other's profiles.
    const people = [...this.read().filter((p) => p.username !== person.username), profile];
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, people }, null, 2), { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  /** Drops a cached profile (the central service refused that password: the cache must not outlive it). */
  forget(username: string): void {
    const people = this.read();
    const kept = people.filter((p) => p.username !== username);
    if (kept.length === people.length) return;
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, people: kept }, null, 2), { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  async verify(username: string, password: string): Promise<Person | null> {
    const profile = this.read().find((p) => p.username === username);
    // Hash even for an unknown name, so timing does not tell which names exist.
    const salt = profile?.salt ?? '0'.repeat(32);
    const given = Buffer.from(await hashPassword(password, salt), 'hex');
    const expected = Buffer.from(profile?.hash ?? '0'.repeat(128), 'hex');
    if (!profile || !timingSafeEqual(given, expected)) return null;
    return { id: profile.id, displayName: profile.displayName, role: profile.role };
  }
}

/**
 * The central service's answer to a password: the person it signs in, null for a refusal, or 'unreachable'
 * (offline, timed out) when the local cache has to decide.
 */
export type CentralCheck = (username: string, password: string) => Promise<Person | null | 'unreachable'>;

const MAX_FAILURES = 5;
const LOCKOUT_MS = 60_000;

export class Session {
  private person: Person | null = null;
  private locked = false;
  private failures = 0;
  private blockedUntil = 0;

  constructor(
    private readonly profiles: LocalProfiles,
    private readonly now: () => number = Date.now,
    private readonly central: CentralCheck | null = null,
  ) {}

  state(): SessionState {
    return { person: this.person, locked: this.locked };
  }

  /** The person allowed to see applicant data now: nobody while signed out or locked. */
  activePerson(): Person | null {
    return this.locked ? null : this.person;
  }

  async signIn(username: string, password: string): Promise<SessionState> {
    if (this.now() < this.blockedUntil) {
      throw new DomainError('sign_in_throttled', `Too many failed attempts. Wait ${Math.ceil((this.blockedUntil - this.now()) / 1000)} seconds and try again.`);
    }
    const person = await this.verify(username, password);
    // After a lock only the same person may unlock; anyone else signs the first one out.
    if (!person) {
      this.failures += 1;
      if (this.failures >= MAX_FAILURES) {
        this.blockedUntil = this.now() + LOCKOUT_MS;
        this.failures = 0;
      }
      throw new DomainError('sign_in_failed', 'The user name or password is not right.');
    }
    this.failures = 0;
    this.person = person;
    this.locked = false;
    return this.state();
  }

  private async verify(username: string, password: string): Promise<Person | null> {
    if (!this.central) return this.profiles.verify(username, password);
    const answer = await this.central(username, password);
    if (answer === 'unreachable') return this.profiles.verify(username, password);
    if (answer === null) {
      this.profiles.forget(username);
      return null;
    }
    await this.profiles.save({ ...answer, username }, password);
    return answer;
  }

  lock(): SessionState {
    if (this.person) this.locked = true;
    return this.state();
  }

  signOut(): SessionState {
    this.person = null;
    this.locked = false;
    return this.state();
  }
}
