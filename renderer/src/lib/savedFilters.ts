// Filters kept across restarts in localStorage: read back field by field, since a saved value may come from another
// version of the app (or be anything at all).

/** The saved object under `key`, or null when there is none or it cannot be read. */
export function readSaved(key: string): Record<string, unknown> | null {
  try {
    const raw = localStorage.getItem(key);
    const saved: unknown = raw ? JSON.parse(raw) : null;
    return typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function save(key: string, value: object): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the filters still work for this session.
  }
}

/** `value` if it is one of `allowed`, else `fallback`. */
export const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
