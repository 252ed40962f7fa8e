// Keys for data at rest. One random 32-byte master key per data folder; the database and the image
// blobs each get their own key derived from it (HKDF), so one leaked derived key exposes one store.
import { hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/**
 * Where a data folder's key is kept, with room for the next one while the data is re-encrypted under it (rekey):
 * the next key is saved before any data is touched and becomes the key only once all of it is, so an interrupted
 * rotation always has both keys at hand to finish.
 */
export interface KeyStore extends KeyProvider {
  nextKey(): Buffer | null;
  saveNextKey(key: Buffer): void;
  /** The next key becomes the key; the old one is gone. */
  promoteNextKey(): void;
}

/** Writes `bytes` to `path` through a flushed temp file and a rename: the file is the old or the new bytes. */
function writeKeyFile(path: string, bytes: Buffer | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, bytes, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** A key file's rotation: `<file>.next` while the data is re-encrypted, renamed over the file once it all is. */
abstract class RotatableKeyFile implements KeyStore {
  protected key: Buffer | null = null;
  constructor(protected readonly path: string) {}
  abstract masterKey(): Buffer;
  protected abstract decode(bytes: Buffer, path: string): Buffer;
  protected abstract encode(key: Buffer): Buffer | string;

  nextKey(): Buffer | null {
    const next = `${this.path}.next`;
    return existsSync(next) ? this.decode(readFileSync(next), next) : null;
  }
  saveNextKey(key: Buffer): void {
    if (key.length !== 32) throw new DomainError('bad_key', 'The data key must be exactly 32 bytes.');
    writeKeyFile(`${this.path}.next`, this.encode(key));
  }
  promoteNextKey(): void {
    const next = this.nextKey();
    if (!next) return;
    renameSync(`${this.path}.next`, this.path);
    this.key = next;
  }
}

/** A key file of 64 hex characters beside the data (the browser host's development key). */
export class HexKeyFile extends RotatableKeyFile {
  masterKey(): Buffer {
    this.key ??= this.decode(readFileSync(this.path), this.path);
    return this.key;
  }
  protected decode(bytes: Buffer, path: string): Buffer {
    const hex = bytes.toString('utf8').trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new DomainError('bad_key', `The key file ${path} must hold 64 hex characters.`);
    return Buffer.from(hex, 'hex');
  }
  protected encode(key: Buffer): string {
    return key.toString('hex') + '\n';
  }
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
export class WrappedFileKeyProvider extends RotatableKeyFile {
  constructor(
    path: string,
    private readonly wrapper: KeyWrapper,
  ) {
    super(path);
  }

  masterKey(): Buffer {
    if (this.key) return this.key;
    if (existsSync(this.path)) {
      this.key = this.decode(readFileSync(this.path), this.path);
      return this.key;
    }
    const key = randomBytes(32);
    writeKeyFile(this.path, this.wrapper.wrap(key));
    this.key = key;
    return key;
  }

  protected decode(bytes: Buffer, path: string): Buffer {
    let key: Buffer;
    try {
      key = this.wrapper.unwrap(bytes);
    } catch {
      throw new DomainError('key_unavailable', `The data key in ${path} cannot be unlocked by this user's keychain. The local data cannot be read; sign in as the user who created it.`);
    }
    if (key.length !== 32) throw new DomainError('key_unavailable', `The data key in ${path} is damaged.`);
    return key;
  }
  protected encode(key: Buffer): Buffer {
    return this.wrapper.wrap(key);
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
