// Seeds a browser-host data folder with N generated applications for the UI benchmark, fast: drawing and
// ingesting specimen images for 100,000 cases would take hours, so a few dozen demo specimens are drawn and
// ingested through the real pipeline once and every generated case points at one of them (the image store
// is content-addressed, so sharing is what it would do for identical uploads anyway). Applications go through
// upsertApplications, so deadlines, flags, counters and the search index are computed the real way.
//   node --import tsx bench/ui/seed.ts DATA_DIR COUNT   (prints one JSON line with timings)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCalendar } from '../../electron/api/calendar';
import { demoPassword, demoPeople, drawDemo } from '../../electron/api/demo';
import { LocalProfiles } from '../../electron/api/session';
import { createImagePipeline } from '../../electron/imaging';
import { openCaseStore } from '../../electron/store/open';
import { ExplicitKeyProvider } from '../../electron/common/keys';
import { generateApplications, type SeedRecord } from '../../electron/store/seed';
import type { DocumentRecord } from '../../shared/contract/cases';

/** How many demo cases are drawn by default; their images are shared by all generated cases. */
export const SPECIMEN_CASES = 24;
const BATCH = 5000;

export interface SeedInfo {
  count: number;
  keyFile: string;
  drawMs: number;
  ingestMs: number;
  upsertMs: number;
  images: number;
  /** The drawn passport data pages (sha256): what R11 reads in the background (bench/ui's OCR load). */
  passportPages?: string[];
}

const rolesKey = (r: SeedRecord) => r.documents.map((d) => d.role).join('+');

/**
 * Seeds `dataDir` (new or empty) with the demo people and `count` applications whose images are `specimens` drawn
 * demo cases' (fewer draw sooner: a test's queue needs many cases, not many pictures); returns where the key is.
 */
export async function seedDataFolder(dataDir: string, count: number, specimens = SPECIMEN_CASES): Promise<SeedInfo> {
  // Never into someone's real data folder (or over an unfinished seed, whose store would get a second set).
  if (existsSync(join(dataDir, 'cases.db')) || existsSync(join(dataDir, 'people.json'))) throw new Error(`${dataDir} already holds a case store; seed a new folder`);
  mkdirSync(dataDir, { recursive: true });
  // The same place and format as the host's own dev key (electron/host/cli.ts), passed to it with --key-file.
  const keyFile = join(dataDir, 'host-dev.key');
  if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  const keyProvider = keyOf(keyFile);
  const now = new Date();

  // Drawing renders SVG, which the pipeline's workers block process-wide: draw before creating the pipeline.
  let t = performance.now();
  const drawn = await drawDemo({ count: specimens, now });
  const drawMs = performance.now() - t;

  t = performance.now();
  const pipeline = createImagePipeline({ blobDir: join(dataDir, 'blobs'), keyProvider });
  const pool = new Map<string, DocumentRecord[][]>();
  const passportPages = new Set<string>();
  try {
    for (const [index, record] of drawn.records.entries()) {
      const outcomes = await pipeline.ingestBatch(drawn.images[index] ?? []);
      const documents = record.documents.map((document, i) => {
        const outcome = outcomes[i];
        if (!outcome?.ok) throw new Error(`A specimen was refused by the image pipeline: ${outcome?.ok === false ? outcome.error.code : 'no result'}`);
        const r = outcome.result;
        return { ...document, sha256: r.sha256, format: r.format, width: r.width, height: r.height, forensic: r.forensic, quality: r.quality };
      });
      const identity = record.application.identity;
      if (identity.kind === 'individual' && identity.documentType === 'passport' && documents[0]) passportPages.add(documents[0].sha256);
      const key = rolesKey(record);
      pool.set(key, [...(pool.get(key) ?? []), documents]);
    }
  } finally {
    await pipeline.close();
  }
  const ingestMs = performance.now() - t;

  const profiles = new LocalProfiles(join(dataDir, 'people.json'));
  for (const person of demoPeople) await profiles.save(person, demoPassword);

  const all = [...pool.values()].flat();
  t = performance.now();
  const store = openCaseStore({ path: join(dataDir, 'cases.db'), keyProvider, calendar: loadCalendar(join(dataDir, 'calendar.json')) });
  try {
    // The demo's seed and assignment (seed 7; every fifth case for reviewer2, the rest for reviewer1), upserted
    // in batches as sync would write them.
    const records = generateApplications(count, 7, { now, reviewers: 2 });
    for (let start = 0; start < records.length; start += BATCH) {
      const batch = records.slice(start, start + BATCH).map((record, j) => {
        const i = start + j;
        const shared = pool.get(rolesKey(record)) ?? all;
        const images = shared[i % shared.length]!;
        return {
          ...record,
          application: { ...record.application, assignee: i % 5 === 4 ? 'reviewer2' : 'reviewer1' },
          // Each case keeps its own document ids and roles, and shows the pixels (and their measured quality) of a shared specimen.
          documents: record.documents.map((d, n) => {
            const image = images[n] ?? images[0]!;
            return { ...d, sha256: image.sha256, format: image.format, width: image.width, height: image.height, forensic: image.forensic, quality: image.quality };
          }),
        };
      });
      await store.upsertApplications(batch);
    }
  } finally {
    store.close();
  }
  const upsertMs = performance.now() - t;
  const info: SeedInfo = { count, keyFile, drawMs, ingestMs, upsertMs, images: all.reduce((n, docs) => n + docs.length, 0), passportPages: [...passportPages] };
  writeFileSync(join(dataDir, 'bench-seed.json'), JSON.stringify(info) + '\n');
  return info;
}

const keyOf = (keyFile: string) => new ExplicitKeyProvider(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex'));

/** The data key of a seeded folder (for a process of the bench's own reading its blobs beside the host). */
export const seedKey = (info: SeedInfo) => keyOf(info.keyFile);

/** The seed a data folder was made with, or null when it was not seeded by this script (or unfinished). */
export function seededWith(dataDir: string): SeedInfo | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, 'bench-seed.json'), 'utf8')) as SeedInfo;
  } catch {
    return null;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.VERITY_QUIET ??= '1';
  const [dataDir, count] = process.argv.slice(2);
  if (!dataDir || !Number.isInteger(Number(count))) throw new Error('usage: seed.ts DATA_DIR COUNT');
  process.stdout.write(JSON.stringify(await seedDataFolder(dataDir, Number(count))) + '\n');
  process.exit(0);
}
