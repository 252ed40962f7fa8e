// Demo data for a new user with no central service: local people and a queue of generated
// applications whose document images are SPECIMEN drawings, ingested through the real pipeline
// (so previews, forensic summaries and quality flags are real). Never real people's documents.
import type { Person } from '../../shared/domain';
import type { ImagePipeline } from '../imaging';
import type { CaseStore } from '../store/types';
import { generateApplications, type SeedRecord } from '../store/seed';
import type { LocalProfiles } from './session';

export const demoPassword = 'verity-demo';
export const demoPeople: (Person & { username: string })[] = [
  { username: 'reviewer1', id: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' },
  { username: 'reviewer2', id: 'reviewer2', displayName: 'Reviewer Two', role: 'reviewer' },
  { username: 'supervisor1', id: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' },
];

export interface DemoOptions {
  count: number;
  seed?: number;
  now?: Date;
}

export interface DrawnDemo {
  records: SeedRecord[];
  /** The specimen images of each record's documents, in order. */
  images: Buffer[][];
}

/**
 * Generates the demo applications and draws their specimens. The drawing (sharp, 32 MB of libvips) is loaded only
 * here: the app's process otherwise leaves images to the imaging processes.
 */
export async function drawDemo(options: DemoOptions): Promise<DrawnDemo> {
  const records = generateApplications(options.count, options.seed ?? 7, { now: options.now ?? new Date(), reviewers: 2 }).map((r, i) => ({
    ...r,
    application: { ...r.application, assignee: i % 5 === 4 ? 'reviewer2' : 'reviewer1' },
  }));
  const { drawDocument } = await import('./demoDrawing');
  const images: Buffer[][] = [];
  for (const record of records) {
    images.push(await Promise.all(record.documents.map((_d, i) => drawDocument(record, i))));
  }
  return { records, images };
}

/** Seeds an empty data folder: the demo people, and the drawn applications (assigned to reviewer1, some to reviewer2). */
export async function seedDemo(store: CaseStore, pipeline: ImagePipeline, profiles: LocalProfiles, demo: DrawnDemo, onProgress?: (done: number, total: number) => void): Promise<number> {
  for (const person of demoPeople) await profiles.save(person, demoPassword);
  const { records } = demo;
  const total = records.reduce((n, r) => n + r.documents.length, 0);
  let done = 0;
  for (const [index, record] of records.entries()) {
    const outcomes = await pipeline.ingestBatch(demo.images[index] ?? []);
    record.documents = record.documents.map((document, i) => {
      const outcome = outcomes[i];
      if (!outcome?.ok) throw new Error(`A demo specimen was refused by the image pipeline: ${outcome?.ok === false ? outcome.error.code : 'no result'}`);
      const r = outcome.result;
      return { ...document, sha256: r.sha256, format: r.format, width: r.width, height: r.height, forensic: r.forensic, quality: r.quality };
    });
    done += record.documents.length;
    onProgress?.(done, total);
  }
  await store.upsertApplications(records);
  return records.length;
}
