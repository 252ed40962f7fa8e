// A short application reference for people to read (headings, the undo bar, lists); the full id stays the key and is
// what is copied. The reference is a prefix of the id, so typing it in the queue's search finds the case.

/** Ids up to this long are short enough to read whole. */
const READABLE = 12;
/** How many leading characters of a longer id (a UUID) stand for it: 8 hex digits, one in four billion. */
const PREFIX = 8;

export function shortRef(applicationId: string): string {
  return applicationId.length <= READABLE ? applicationId : applicationId.slice(0, PREFIX);
}
