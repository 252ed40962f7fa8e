// `npm run server -- people …` as an operator runs it: the real command in a child process on a PGlite folder (the
// command and a server take turns on it), then the server started on the same folder without demo people.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionResponse } from '../shared/contract/central';
import type { PersonChangesResponse } from '../shared/contract/people';
import { startServer } from './app';
import { TestClient } from '../tests/support/central';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'verity-people-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function people(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Whatever DATABASE_URL the test run has, the command works on the folder given.
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const child = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), ['server/main.ts', 'people', ...args, '--data', dir], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('npm run server -- people', () => {
  it('makes the first admin of a new database, lists, resets; the server then signs them in', async () => {
    const usage = await people(['promote']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown command promote/);
    const weak = await people(['create', '--username', 'chief', '--name', 'Chief Admin', '--role', 'admin'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/^weak_password: The password needs at least 12 characters/);
    const created = await people(['create', '--username', 'chief', '--name', 'Chief Admin', '--role', 'admin'], 'Boss-chose-this-1\n');
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('created chief (admin)\n');
    const listed = await people(['list']);
    // No demo people: only the admin the command made.
    expect(listed.stdout).toBe('chief\tadmin\tactive\tChief Admin\n');

    let server = await startServer({ dataDir: dir, seedPeople: false, log: () => undefined });
    try {
      const chief = await new TestClient(server.url).signIn('chief', 'Boss-chose-this-1');
      expect((await chief.post('/v1/people', { username: 'reviewer7', displayName: 'Reviewer Seven', role: 'reviewer', password: 'first-Password-7' })).status).toBe(201);
      expect((await new TestClient(server.url).post('/v1/session', { username: 'reviewer1', password: 'verity-demo' })).status).toBe(401);
    } finally {
      await server.close();
    }

    const reset = await people(['reset', '--username', 'chief'], 'Temporary-pass-99\n');
    expect(reset.stdout).toBe('reset the password of chief; it must be changed at the next sign-in\n');

    server = await startServer({ dataDir: dir, seedPeople: false, log: () => undefined });
    try {
      const signIn = await new TestClient(server.url).post('/v1/session', { username: 'chief', password: 'Temporary-pass-99' });
      expect(SessionResponse.parse(signIn.body).mustChangePassword).toBe(true);
      const token = SessionResponse.parse(signIn.body).accessToken;
      const client = new TestClient(server.url);
      expect((await client.post('/v1/session/password', { currentPassword: 'Temporary-pass-99', newPassword: 'Boss-chose-again-2' }, { token })).status).toBe(200);
      await client.signIn('chief', 'Boss-chose-again-2');
      const changes = (await client.get('/v1/people/chief/changes')).body as PersonChangesResponse;
      expect(changes.changes.map((c) => [c.action, c.changedBy])).toEqual([
        ['created', null],
        ['password_reset', null],
        ['password_changed', 'chief'],
      ]);
    } finally {
      await server.close();
    }
  }, 240_000);
});
