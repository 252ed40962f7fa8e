// Test support for data at rest: every file under a folder, scanned byte by byte for markers (text as UTF-8 and
// as UTF-16, the encodings SQLite, Chromium and V8 keep text in; bytes as they are).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export type Marker = string | Buffer;

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

/** The needles a marker is looked for as. */
function encodings(marker: Marker): Buffer[] {
  if (Buffer.isBuffer(marker)) return [marker];
  return [Buffer.from(marker, 'utf8'), Buffer.from(marker, 'utf16le')];
}

/** Which files under `dir` hold which marker (`path: marker`, paths relative to dir); empty when none does. */
export function filesContaining(dir: string, markers: readonly Marker[]): string[] {
  const needles = markers.flatMap((marker) => encodings(marker).map((bytes) => ({ bytes, label: Buffer.isBuffer(marker) ? `${marker.length} image bytes` : marker })));
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    for (const needle of needles) {
      if (bytes.includes(needle.bytes)) found.push(`${relative(dir, file)}: ${needle.label}`);
    }
  }
  return found;
}

/** Text a log or output holds markers in: which markers it names. */
export function markersIn(text: string, markers: readonly string[]): string[] {
  return markers.filter((marker) => text.includes(marker));
}
