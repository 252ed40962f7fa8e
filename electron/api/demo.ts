// Demo data for a new user with no central service: local people and a queue of generated
// applications whose document images are SPECIMEN drawings, ingested through the real pipeline
// (so previews, forensic summaries and quality flags are real). Never real people's documents.
import sharp from 'sharp';
import type { Person } from '../../shared/domain';
import { drawSpecimen, type Specimen } from '../../resources/specimens/draw';
import type { ImagePipeline } from '../imaging';
import type { CaseStore } from '../store/caseStore';
import { generateApplications, type SeedRecord } from '../store/seed';
import type { LocalProfiles } from './session';

export const demoPassword = 'verity-demo';
export const demoPeople: (Person & { username: string })[] = [
  { username: 'reviewer1', id: 'reviewer1', displayName: 'Reviewer One', role: 'reviewer' },
  { username: 'reviewer2', id: 'reviewer2', displayName: 'Reviewer Two', role: 'reviewer' },
  { username: 'supervisor1', id: 'supervisor1', displayName: 'Supervisor One', role: 'supervisor' },
];

function specimenFor(record: SeedRecord, documentIndex: number): Specimen {
  const identity = record.application.identity;
  if (identity.kind === 'enterprise') {
    return {
      kind: 'business_licence',
      enterpriseName: identity.enterpriseName,
      registeredAddress: identity.registeredAddress,
      businessRegistrationNumber: identity.businessRegistrationNumber,
      issuedDate: record.application.submittedAt.slice(0, 10),
    };
  }
  return {
    kind: identity.documentType,
    side: documentIndex === 0 ? 'front' : 'back',
    fullName: identity.fullName,
    documentNumber: identity.documentNumber,
    issuingLocation: identity.issuingLocation,
    birthDate: '1990-05-17',
    expiryDate: '2034-05-16',
  };
}

/** Lays a flat specimen on a desk with a soft shadow, as a phone photo of a document looks. */
async function photograph(document: Buffer): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(document).metadata();
  const margin = Math.round(Math.max(width, height) * 0.06);
  const canvas = { width: width + 2 * margin, height: height + 2 * margin };
  const shadow = await sharp({ create: { ...canvas, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: { create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.9 } } }, left: margin + 12, top: margin + 18 }])
    .blur(14)
    .png()
    .toBuffer();
  return sharp({ create: { ...canvas, channels: 3, background: { r: 62, g: 48, b: 38 } } })
    .composite([{ input: shadow }, { input: document, left: margin, top: margin }])
    .jpeg({ quality: 88 })
    .toBuffer();
}

/** Degrades a specimen the way the seeded quality signals describe, so R8 flags come from real pixels. */
async function degrade(flat: Buffer, record: SeedRecord, documentIndex: number): Promise<Buffer> {
  const image = await photograph(flat);
  const seeded = record.documents[documentIndex]?.quality;
  if (!seeded) return image;
  if (seeded.blurry) return sharp(image).blur(8).jpeg({ quality: 85 }).toBuffer();
  if (seeded.underExposed) return sharp(image).linear(0.18, 0).jpeg({ quality: 85 }).toBuffer();
  if (seeded.overExposed) return sharp(image).linear(0.3, 190).jpeg({ quality: 85 }).toBuffer();
  return image;
}

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
 * Generates the demo applications and draws their specimens. Drawing renders SVG, which libvips may do here: the
 * image pipeline's loader block (untrusted bytes reach only the photo loaders) holds inside its imaging processes.
 */
export async function drawDemo(options: DemoOptions): Promise<DrawnDemo> {
  const records = generateApplications(options.count, options.seed ?? 7, { now: options.now ?? new Date(), reviewers: 2 }).map((r, i) => ({
    ...r,
    application: { ...r.application, assignee: i % 5 === 4 ? 'reviewer2' : 'reviewer1' },
  }));
  const images: Buffer[][] = [];
  for (const record of records) {
    images.push(await Promise.all(record.documents.map(async (_d, i) => degrade(await drawSpecimen(specimenFor(record, i)), record, i))));
  }
  return { records, images };
}

/** Seeds an empty data folder: the demo people, and the drawn applications (assigned to reviewer1, some to reviewer2). */
export async function seedDemo(store: CaseStore, pipeline: ImagePipeline, profiles: LocalProfiles, demo: DrawnDemo, onProgress?: (done: number, total: number) => void): Promise<number> {
  for (const person of demoPeople) profiles.save(person, demoPassword);
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
  store.upsertApplications(records);
  return records.length;
}
