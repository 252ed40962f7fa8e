import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveKey, ExplicitKeyProvider, keychainVerdict, WrappedFileKeyProvider } from './keys';
import { tempFolder } from '../../tests/support/tempFolder';

// A reversible stand-in for safeStorage, enough to see that the file never holds the raw key.
const xorWrapper = { wrap: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)), unwrap: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)) };

describe('keys', () => {
  it('derives distinct keys per purpose, stable for one master key', () => {
    const p = new ExplicitKeyProvider(Buffer.alloc(32, 7));
    expect(deriveKey(p, 'sqlite').equals(deriveKey(p, 'blobs'))).toBe(false);
    expect(deriveKey(p, 'sqlite').equals(deriveKey(new ExplicitKeyProvider(Buffer.alloc(32, 7)), 'sqlite'))).toBe(true);
  });
  it('refuses a key that is not 32 bytes', () => {
    expect(() => new ExplicitKeyProvider(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
  it('creates a wrapped key once and reads the same key back', () => {
    const path = join(tempFolder('verity-key-'), 'data.key');
    const a = new WrappedFileKeyProvider(path, xorWrapper).masterKey();
    const b = new WrappedFileKeyProvider(path, xorWrapper).masterKey();
    expect(a.equals(b)).toBe(true);
  });
  it('reports a key the keychain cannot unwrap', () => {
    const path = join(tempFolder('verity-key-'), 'data.key');
    new WrappedFileKeyProvider(path, xorWrapper).masterKey();
    const failing = { wrap: xorWrapper.wrap, unwrap: () => { throw new Error('no keychain'); } };
    expect(() => new WrappedFileKeyProvider(path, failing).masterKey()).toThrow(/cannot be unlocked/);
  });
});

describe('keychain verdict (Electron safeStorage backends)', () => {
  it("refuses Linux's plain-text backend unless the person opted in, and warns when they did", () => {
    const linux = { available: true, platform: 'linux', allowPlainText: false };
    expect(keychainVerdict({ ...linux, backend: 'gnome_libsecret' })).toEqual({ use: true, warning: null });
    expect(keychainVerdict({ ...linux, backend: 'kwallet5' })).toEqual({ use: true, warning: null });
    expect(keychainVerdict({ ...linux, backend: 'basic_text' })).toMatchObject({ use: false, reason: expect.stringContaining('--allow-plaintext-key') });
    expect(keychainVerdict({ ...linux, backend: 'unknown' })).toMatchObject({ use: false });
    expect(keychainVerdict({ ...linux, backend: 'basic_text', allowPlainText: true })).toMatchObject({ use: true, warning: expect.stringContaining('known to anyone') });
  });
  it('uses the keychain of macOS and Windows, and refuses when none is available', () => {
    expect(keychainVerdict({ available: true, platform: 'darwin', backend: null, allowPlainText: false })).toEqual({ use: true, warning: null });
    expect(keychainVerdict({ available: true, platform: 'win32', backend: null, allowPlainText: false })).toEqual({ use: true, warning: null });
    expect(keychainVerdict({ available: false, platform: 'darwin', backend: null, allowPlainText: true })).toMatchObject({ use: false, reason: expect.stringContaining('no keychain') });
  });
});
