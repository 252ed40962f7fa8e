// The person's settings, a small JSON file in the data folder, validated on every read and written atomically.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { defaultSettings, Settings } from '../../shared/contract/app';
import { DomainError } from '../../shared/errors';
import { log } from '../common/log';

export class SettingsFile {
  constructor(private readonly path: string) {}

  read(): Settings {
    if (!existsSync(this.path)) return { ...defaultSettings };
    try {
      return Settings.parse({ ...defaultSettings, ...JSON.parse(readFileSync(this.path, 'utf8')) });
    } catch (err) {
      // A damaged settings file must not stop the workstation: fall back to defaults and say so in the log.
      log.warn('settings file unreadable; using defaults', { path: this.path, error: String(err) });
      return { ...defaultSettings };
    }
  }

  update(patch: Partial<Settings>): Settings {
    const next = Settings.parse({ ...this.read(), ...patch });
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, JSON.stringify(next, null, 2));
      renameSync(tmp, this.path);
    } catch (err) {
      throw new DomainError('settings_unwritable', `Your settings could not be saved (${(err as NodeJS.ErrnoException).code ?? 'error'}). Check that the data folder is writable.`);
    }
    return next;
  }
}
