// The central server of the sync benchmark, in a child process of run.ts so that its work (PGlite is WebAssembly
// on its main thread) counts against neither the engine's event loop nor the workstation's memory. Commands, one
// per line on stdin: `seed-photos N`, `seed-plain N`, `quit`; each answered with a JSON line on stdout.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { startServer } from '../../server/app';
import { checkImage, type CheckedImage } from '../../server/images';
import type { CheckedDocument } from '../../server/service';
import type { IntakeRequest } from '../../shared/contract/central';
import { specimenIdNumber } from '../../tests/support/specimenNumbers';

process.env.VERITY_QUIET = '1';
const corpusDir = fileURLToPath(new URL('../../../shared/corpus/images/', import.meta.url));

function request(n: number, tag: string): Omit<IntakeRequest, 'documents'> {
  return {
    accountId: `BENCH-${tag}-${n}`,
    kind: 'individual',
    registrationLocation: 'CN',
    identity: { kind: 'individual', fullName: `SPECIMEN Bench ${n}`, documentType: 'id_card', documentNumber: specimenIdNumber(`B${tag}${n}${randomUUID()}`), issuingLocation: 'CN' },
    icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
    applicantLanguage: 'en',
  };
}

/** A distinct, valid JPEG per n: a real photo with a comment segment (FF FE) naming n right after SOI. */
function distinctPhoto(base: Buffer, n: number): Buffer {
  const text = Buffer.from(`verity bench ${n}`);
  const segment = Buffer.alloc(4 + text.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(2 + text.length, 2);
  text.copy(segment, 4);
  return Buffer.concat([base.subarray(0, 2), segment, base.subarray(2)]);
}

/** Documents per application in the pull phase (front and back), as the issue asks: 1,000 applications, 2,000 images. */
const photosPerApplication = 2;

/**
 * Four ~1 MB JPEGs of a real 6 MP photo (2725×2225, the corpus' 2569067123_aca715a2ee_o.jpg): as it is, mirrored,
 * flipped, and both, re-encoded at quality 92. Each document then gets its own bytes with distinctPhoto.
 */
async function basePhotos(): Promise<{ bytes: Buffer; check: CheckedImage }[]> {
  const source = readFileSync(`${corpusDir}2569067123_aca715a2ee_o.jpg`);
  const variants = [(s: Sharp) => s, (s: Sharp) => s.flop(), (s: Sharp) => s.flip(), (s: Sharp) => s.flip().flop()];
  return Promise.all(
    variants.map(async (variant) => {
      const bytes = await variant(sharp(source)).jpeg({ quality: 92 }).toBuffer();
      return { bytes, check: await checkImage(bytes, 'front') };
    }),
  );
}

const server = await startServer({ assignmentCap: 100_000, log: () => undefined });
const photos = await basePhotos();
const commands = createInterface({ input: process.stdin });
process.stdout.write(JSON.stringify({ url: server.url, photosPerApplication }) + '\n');
for await (const line of commands) {
  const [command, countText] = line.trim().split(' ');
  const count = Number(countText);
  const started = performance.now();
  if (command === 'seed-photos') {
    for (let n = 0; n < count; n++) {
      const documents = (['front', 'back'] as const).slice(0, photosPerApplication).map((role, i): CheckedDocument => {
        const k = n * photosPerApplication + i;
        const base = photos[k % photos.length] as (typeof photos)[number];
        // A comment segment changes the bytes, not the picture: the base's full check holds, only the hash is new.
        const bytes = distinctPhoto(base.bytes, k);
        return { role, bytes, ...base.check, sha256: createHash('sha256').update(bytes).digest('hex') };
      });
      await server.service.submitChecked(request(n, 'P'), documents, randomUUID(), false);
    }
  } else if (command === 'seed-plain') {
    const bytes = await sharp({ create: { width: 640, height: 400, channels: 3, background: { r: 200, g: 210, b: 220 } } }).jpeg().toBuffer();
    const checked = await checkImage(bytes, 'plain');
    // The same plain image as both sides of the ID card (one blob).
    const sides: CheckedDocument[] = [{ role: 'front', bytes, ...checked }, { role: 'back', bytes, ...checked }];
    for (let n = 0; n < count; n++) await server.service.submitChecked(request(n, 'D'), sides, randomUUID(), false);
  } else if (command === 'quit') {
    break;
  }
  process.stdout.write(JSON.stringify({ done: command, ms: performance.now() - started }) + '\n');
}
commands.close();
await server.close();
process.exit(0);
