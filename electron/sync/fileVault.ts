// A TokenVault in a file, wrapped by the caller's keychain (Electron: safeStorage). What it reads back is
// validated like any input; a file the keychain cannot open, or that is damaged, counts as no session.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SessionTokens, type TokenVault } from './client';
import { log } from '../common/log';

export interface TokenWrapper {
  wrap(plain: string): Buffer;
  unwrap(wrapped: Buffer): string;
}

export function fileVault(path: string, wrapper: TokenWrapper): TokenVault {
  return {
    load() {
      if (!existsSync(path)) return null;
      try {
        const parsed = SessionTokens.safeParse(JSON.parse(wrapper.unwrap(readFileSync(path))));
        if (parsed.success) return parsed.data;
      } catch {
        // Another user's keychain or a damaged file: sign in again.
      }
      log.warn('the saved central session could not be read; signing in again is needed', { path });
      return null;
    },
    save(tokens) {
      if (tokens === null) {
        rmSync(path, { force: true });
        return;
      }
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, wrapper.wrap(JSON.stringify(tokens)), { mode: 0o600 });
      renameSync(tmp, path);
    },
  };
}
