// Keys for data at rest. One random 32-byte master key per data folder; the database and the image
// blobs each get their own key derived from it (HKDF), so one leaked derived key exposes one store.
import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DomainError } from '../../shared/errors';

export interface KeyProvider {
  /** The 32-byte master key of this data folder; the same bytes for its whole life. */
  masterKey(): Buffer;
}

export type KeyPurpose = 'sqlite' | 'blobs' | 'central';

export function deriveKey(provider: KeyProvider, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', provider.masterKey(), Buffer.alloc(0), `verity/${purpose}/v1`, 32));
}

/** A key given explicitly (browser host, tests). */
export class ExplicitKeyProvider implements KeyProvider {
  private readonly key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32) throw new DomainError('bad_key', 'The data key must be exactly 32 bytes (64 hex characters).');
    this.key = Buffer.from(key);
  }
  masterKey(): Buffer {
    return this.key;
  }
}

/** How a key file is protected at rest: in Electron, safeStorage (the OS keychain). */
export interface KeyWrapper {
  wrap(plain: Buffer): Buffer;
  unwrap(wrapped: Buffer): Buffer;
}

/** A random master key created once, stored wrapped in a file of the data folder. */
export class WrappedFileKeyProvider implements KeyProvider {
  private key: Buffer | null = null;
  constructor(
    private readonly path: string,
    private readonly wrapper: KeyWrapper,
  ) {}

  masterKey(): Buffer {
    if (this.key) return this.key;
    if (existsSync(this.path)) {
      let key: Buffer;
      try {
        key = this.wrapper.unwrap(readFileSync(this.path));
      } catch {
        throw new DomainError('key_unavailable', `The data key in ${this.path} cannot be unlocked by this user's keychain. The local data cannot be read; sign in as the user who created it.`);
      }
      if (key.length !== 32) throw new DomainError('key_unavailable', `The data key in ${this.path} is damaged.`);
      this.key = key;
      return key;
    }
    const key = randomBytes(32);
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, this.wrapper.wrap(key), { mode: 0o600 });
    renameSync(tmp, this.path);
    this.key = key;
    return key;
  }
}
