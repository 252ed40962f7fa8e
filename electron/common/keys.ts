// Keys for data at rest. One random 32-byte master key per data folder; the database and the image
// blobs each get their own key derived from it (HKDF), so one leaked derived key exposes one store.
import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/**
 * Whether the OS keychain behind safeStorage protects the data key. On Linux without a secret service Chromium falls
 * back to 'basic_text': a fixed, public key, so the wrapped data key would be as good as clear. Refused unless the
 * person opted in (`--allow-plaintext-key`), and then only with a warning they see at every start.
 */
export type KeychainVerdict = { use: true; warning: string | null } | { use: false; reason: string };

export function keychainVerdict(facts: { available: boolean; platform: string; backend: string | null; allowPlainText: boolean }): KeychainVerdict {
  if (!facts.available) {
    return { use: false, reason: "This computer offers no keychain (safeStorage) to protect the data key, so Verity will not store applicants' documents here. Sign in to a desktop session with a keychain and start Verity again." };
  }
  if (facts.platform !== 'linux' || (facts.backend !== 'basic_text' && facts.backend !== 'unknown')) return { use: true, warning: null };
  const plain = `This desktop session has no secret service (GNOME Keyring, KWallet): the keychain Verity would use ('${facts.backend ?? 'unknown'}') protects the data key with a key known to anyone, so anyone who copies this computer's files can read the applicants' documents.`;
  if (!facts.allowPlainText) return { use: false, reason: `${plain} Start a secret service and Verity again, or start Verity with --allow-plaintext-key to accept the risk.` };
  return { use: true, warning: `${plain} You started Verity with --allow-plaintext-key: keep this computer's disk encrypted and never leave it unattended.` };
}

/** What a data folder holds that only its key opens (the case store, blobs, the built-in service's snapshot). */
export function dataFolderContents(dataDir: string): string[] {
  return ['cases.db', 'blobs', 'central.sealed', 'central'].filter((name) => existsSync(join(dataDir, name)));
}
