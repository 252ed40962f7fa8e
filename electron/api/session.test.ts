import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFolder } from '../../tests/support/tempFolder';
import { LocalProfiles, Session } from './session';

const reviewer = { username: 'reviewer1', id: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' as const };

async function profiles() {
  const path = join(tempFolder('verity-people-'), 'people.json');
  const p = new LocalProfiles(path);
  await p.save(reviewer, 'correct horse');
  return { p, path };
}

describe('local profiles', () => {
  it('stores a scrypt hash, never the password', async () => {
    const { path } = await profiles();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('correct horse');
    expect(text).toMatch(/"hash": "[0-9a-f]{128}"/);
  });
  it('verifies the right password only', async () => {
    const { p } = await profiles();
    expect(await p.verify('reviewer1', 'correct horse')).toEqual({ id: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' });
    expect(await p.verify('reviewer1', 'wrong')).toBeNull();
    expect(await p.verify('nobody', 'correct horse')).toBeNull();
  });
  it('hashes off the event loop: the app keeps serving while a password is checked', async () => {
    const { p } = await profiles();
    let served = false;
    setImmediate(() => (served = true));
    // scrypt on the main thread would finish before any other callback could run.
    expect(await p.verify('reviewer1', 'correct horse')).not.toBeNull();
    expect(served).toBe(true);
  });
  it('reports a damaged profiles file instead of letting anyone in', async () => {
    const { p, path } = await profiles();
    writeFileSync(path, JSON.stringify({ version: 1, people: [{ username: 'x' }] }));
    await expect(p.verify('x', 'y')).rejects.toThrow(/damaged/);
  });
});

describe('session', () => {
  it('serves no person before sign-in and while locked', async () => {
    const { p } = await profiles();
    const session = new Session(p);
    expect(session.activePerson()).toBeNull();
    await session.signIn('reviewer1', 'correct horse');
    expect(session.activePerson()?.id).toBe('reviewer1');
    expect(session.lock()).toMatchObject({ locked: true, person: { id: 'reviewer1' } });
    expect(session.activePerson()).toBeNull();
    await session.signIn('reviewer1', 'correct horse');
    expect(session.state().locked).toBe(false);
    expect(session.signOut()).toEqual({ person: null, locked: false });
  });
  it('refuses a wrong password with a code and throttles after five failures', async () => {
    const { p } = await profiles();
    let now = 1_000_000;
    const session = new Session(p, () => now);
    for (let i = 0; i < 5; i++) await expect(session.signIn('reviewer1', 'nope')).rejects.toMatchObject({ code: 'sign_in_failed' });
    await expect(session.signIn('reviewer1', 'correct horse')).rejects.toMatchObject({ code: 'sign_in_throttled' });
    now += 61_000;
    expect((await session.signIn('reviewer1', 'correct horse')).person?.id).toBe('reviewer1');
  });
});

describe('session with a central service', () => {
  const central = { id: 'reviewer3', displayName: 'Reviewer Three', role: 'reviewer' as const };

  it('asks the central service and caches the person for offline sign-in', async () => {
    const { p } = await profiles();
    let reachable = true;
    const session = new Session(p, Date.now, async (u, pw) => (!reachable ? 'unreachable' : u === 'reviewer3' && pw === 'central pw' ? central : null));
    expect(await p.verify('reviewer3', 'central pw')).toBeNull();
    expect((await session.signIn('reviewer3', 'central pw')).person).toEqual(central);
    expect(await p.verify('reviewer3', 'central pw')).toEqual(central);
    session.signOut();
    reachable = false;
    // Offline: the cached profile decides, and a wrong password is still wrong.
    expect((await session.signIn('reviewer3', 'central pw')).person).toEqual(central);
    await expect(session.signIn('reviewer3', 'guess')).rejects.toMatchObject({ code: 'sign_in_failed' });
  });

  it('drops the cached profile when the central service refuses the password (changed centrally)', async () => {
    const { p } = await profiles();
    let password = 'old pw';
    let reachable = true;
    const session = new Session(p, Date.now, async (_u, pw) => (!reachable ? 'unreachable' : pw === password ? central : null));
    await session.signIn('reviewer3', 'old pw');
    session.signOut();
    password = 'new pw';
    await expect(session.signIn('reviewer3', 'old pw')).rejects.toMatchObject({ code: 'sign_in_failed' });
    reachable = false;
    await expect(session.signIn('reviewer3', 'old pw')).rejects.toMatchObject({ code: 'sign_in_failed' });
  });

  it('does not accept a local-only profile the central service refuses', async () => {
    const { p } = await profiles();
    const session = new Session(p, Date.now, async () => null);
    await expect(session.signIn('reviewer1', 'correct horse')).rejects.toMatchObject({ code: 'sign_in_failed' });
  });
});
