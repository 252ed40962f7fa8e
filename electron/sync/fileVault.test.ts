import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFolder } from '../../tests/support/tempFolder';
import { fileVault, type TokenWrapper } from './fileVault';

// A stand-in keychain: XOR with a byte, enough to prove the file never holds the tokens in the clear.
const xor = (key: number): TokenWrapper => ({
  wrap: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ key)),
  unwrap: (wrapped) => Buffer.from(wrapped.map((b) => b ^ key)).toString('utf8'),
});

const tokens = {
  username: 'reviewer1',
  role: 'reviewer' as const,
  accessToken: 'access-secret',
  accessTokenExpiresAt: '2026-11-26T12:15:00.000Z',
  refreshToken: 'refresh-secret',
  refreshTokenExpiresAt: '2026-12-26T12:00:00.000Z',
};

describe('file token vault', () => {
  it('keeps the session wrapped on disk and gives it back', () => {
    const path = join(tempFolder('verity-vault-'), 'central-session.bin');
    const vault = fileVault(path, xor(0x5a));
    expect(vault.load()).toBeNull();
    vault.save(tokens);
    expect(readFileSync(path).toString('latin1')).not.toContain('refresh-secret');
    expect(fileVault(path, xor(0x5a)).load()).toEqual(tokens);
    vault.save(null);
    expect(existsSync(path)).toBe(false);
  });

  it('treats a file another keychain wrapped, or a damaged one, as no session', () => {
    const path = join(tempFolder('verity-vault-'), 'central-session.bin');
    fileVault(path, xor(0x5a)).save(tokens);
    expect(fileVault(path, xor(0x33)).load()).toBeNull();
    writeFileSync(path, xor(0x5a).wrap(JSON.stringify({ ...tokens, extra: 'field' })));
    expect(fileVault(path, xor(0x5a)).load()).toBeNull();
  });
});
