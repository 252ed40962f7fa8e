// R11's reader: generated passport pages (clean, degraded, sideways) and the demos' own specimen passports (every
// variant they draw) read in an imaging process through the real pool, offline; the corpus never crashes it; a crash
// of the process running the OCR costs that one job.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passportPage, specimenTd3, td3Lines, type Td3Data } from '../../tests/support/mrzImages';
import { ExplicitKeyProvider } from '../common/keys';
import { createImagePipeline, type ImagePipeline } from './index';
import { forkImagingProcess, type ImagingProcess, type LaunchImagingProcess } from './launch';
import { mrzLinesOf, readFields } from './mrz';
import { specimenPhoto } from '../api/demoDrawing';
import { compareMrz } from '../store/mrzCheck';
import { photographed, type Capture } from '../../resources/specimens/capture';
import { jpegOf, renderSpecimen, type PersonSpecimen } from '../../resources/specimens/draw';
import type { IndividualIdentity, QualitySignals } from '../../shared/domain';

const keyProvider = new ExplicitKeyProvider(Buffer.alloc(32, 7));

describe('reading the MRZ of a passport photo', () => {
  let dir: string;
  let images: ImagePipeline;
  const processes: ImagingProcess[] = [];
  const launch: LaunchImagingProcess = (spec) => {
    const child = forkImagingProcess(spec);
    processes.push(child);
    return child;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'verity-mrz-'));
    images = createImagePipeline({ blobDir: join(dir, 'blobs'), keyProvider, workers: { size: 1, launch } });
  });
  afterAll(async () => {
    await images.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const read = async (bytes: Buffer) => images.readMrz((await images.admit(bytes)).sha256);
  const expectSpecimen = (reading: Awaited<ReturnType<typeof read>>, data: Td3Data) => {
    expect(reading.status).toBe('read');
    expect(reading.lines).toEqual(td3Lines(data));
    expect(reading.valid).toBe(true);
    const f = reading.fields!;
    expect([f.surname.value, f.givenNames.value, f.documentNumber.value, f.nationality.value, f.birthDate.value, f.sex.value, f.expiryDate.value]).toEqual([
      data.surname,
      data.givenNames,
      data.documentNumber,
      data.nationality,
      data.birth,
      data.sex,
      data.expiry,
    ]);
  };

  it('reads a clean page, and says where the band is', async () => {
    const reading = await read(await passportPage(td3Lines(specimenTd3)));
    expectSpecimen(reading, specimenTd3);
    // The band is at the page's foot and spans most of its width.
    expect(reading.band!.y).toBeGreaterThan(0.75);
    expect(reading.band!.width).toBeGreaterThan(0.8);
  }, 60_000);

  it('reads a page photographed askew, blurred, noisy and compressed', async () => {
    const data: Td3Data = { ...specimenTd3, surname: 'LI', givenNames: 'XIAOMING', documentNumber: 'EA7654321', birth: '851230', sex: 'F', expiry: '290101' };
    const reading = await read(await passportPage(td3Lines(data), { width: 1200, skewDeg: 2.5, blurSigma: 0.8, noise: 0.01, jpegQuality: 60 }));
    expectSpecimen(reading, data);
  }, 60_000);

  it('reads a page photographed sideways, the band given on the upright photo', async () => {
    const reading = await read(await passportPage(td3Lines(specimenTd3), { rotate: 90, jpegQuality: 80 }));
    expectSpecimen(reading, specimenTd3);
    // Turned 90° clockwise, the page's foot is at the photo's left.
    expect(reading.band!.x).toBeLessThan(0.25);
    expect(reading.band!.height).toBeGreaterThan(0.8);
  }, 60_000);

  it('says not_found or unreadable for a page without an MRZ, never a reading', async () => {
    const reading = await read(await passportPage([]));
    expect(reading.status).not.toBe('read');
    expect(reading.fields).toBeNull();
  }, 60_000);

  it('reads in the background, after derivations, and says so to its listeners', async () => {
    const { sha256 } = await images.admit(await passportPage(td3Lines(specimenTd3), { width: 1300 }));
    const outcomes: unknown[] = [];
    const stop = images.onMrzRead((o) => outcomes.push(o));
    images.requestMrz([sha256]);
    await images.whenDerived();
    stop();
    expect(outcomes).toMatchObject([{ sha256, ok: true, reading: { status: 'read', valid: true } }]);
  }, 60_000);

  it('contains a crash of the process running the OCR: that job fails, the next one reads', async () => {
    const { sha256 } = await images.admit(await passportPage(td3Lines(specimenTd3), { width: 1250 }));
    const reading = images.readMrz(sha256);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await processes[processes.length - 1]!.kill();
    await expect(reading).rejects.toMatchObject({ code: 'image_decoder_crashed' });
    expect((await images.readMrz(sha256)).status).toBe('read');
  }, 60_000);
});

describe("the demo's own specimen passports", () => {
  // Every variant the demos draw (electron/api/demoDrawing.ts on the workstation: photographed or flat, on a desk,
  // degraded as seeded; server/demo.ts on the central service: photographed or flat JPEG), for names in characters,
  // in pinyin and in Latin script; each must be read and agree with the entered data, field by field.
  const person = (fullName: string, issuingLocation: string, documentNumber: string, sex: 'M' | 'F' | 'X', dateOfBirth: string, expiryDate: string): IndividualIdentity => ({
    kind: 'individual',
    fullName,
    documentType: 'passport',
    documentNumber,
    issuingLocation,
    dateOfBirth,
    expiryDate,
    sex,
    nationality: issuingLocation,
  });
  const specimenOf = (p: IndividualIdentity): PersonSpecimen => ({
    kind: 'passport',
    side: 'front',
    fullName: p.fullName,
    documentNumber: p.documentNumber,
    issuingLocation: p.issuingLocation,
    birthDate: p.dateOfBirth!,
    expiryDate: p.expiryDate!,
    sex: p.sex!,
    nationality: p.nationality!,
  });
  const seeded = (bad: Partial<Pick<QualitySignals, 'blurry' | 'underExposed' | 'overExposed'>>): QualitySignals => ({
    width: 1760,
    height: 1240,
    lowResolution: false,
    blurVariance: bad.blurry ? 20 : 400,
    blurry: false,
    darkShare: bad.underExposed ? 0.6 : 0.02,
    brightShare: bad.overExposed ? 0.6 : 0.02,
    underExposed: false,
    overExposed: false,
    glareShare: 0,
    glare: false,
    ...bad,
  });
  const all = { tilt: true, glare: true, shadow: true, blur: true };
  /** The central demo's pipeline: drawn, photographed when its key says so, one JPEG. */
  const centralPhoto = async (p: IndividualIdentity, key: string, capture: Capture | null) => {
    const flat = await renderSpecimen(specimenOf(p));
    return jpegOf(capture ? await photographed(flat, capture, key, true) : flat);
  };
  const workstationPhoto = (p: IndividualIdentity, key: string, capture: Capture | null, quality?: QualitySignals) => specimenPhoto(specimenOf(p), key, capture, quality);
  const xu = person('徐敏', 'CN', 'K44257217', 'F', '1992-10-22', '2026-11-03');
  const ouyang = person('欧阳子轩', 'CN', 'E78554420', 'M', '1980-07-15', '2030-01-28');
  const zhao = person('赵霞', 'TW', 'P87368158', 'F', '1968-09-16', '2031-05-02');
  const lin = person('LIN Xiu Ying', 'HK', 'E20481736', 'F', '1975-03-09', '2033-06-30');
  const keller = person('Anna Keller', 'DE', 'X31415926', 'F', '1988-12-01', '2029-02-14');
  const martin = person('Lucas Martin', 'FR', 'P27182818', 'X', '2001-01-31', '2035-08-20');
  /** [what it is, the entered data, the photo, the fields allowed to differ from the entered data]. */
  const variants: [string, IndividualIdentity, () => Promise<Buffer>, string[]][] = [
    ['workstation, flat on the desk', xu, () => workstationPhoto(xu, 'w1', null), []],
    ['workstation, tilted with a shadow', ouyang, () => workstationPhoto(ouyang, 'w2', { tilt: true, glare: false, shadow: true, blur: false }), []],
    ['workstation, glare and blur', zhao, () => workstationPhoto(zhao, 'w3', { tilt: false, glare: true, shadow: false, blur: true }), []],
    ['workstation, every effect', keller, () => workstationPhoto(keller, 'w4', all), []],
    ['workstation, every effect, another angle', lin, () => workstationPhoto(lin, 'w5', all), []],
    ['workstation, under-exposed as seeded', martin, () => workstationPhoto(martin, 'w6', null, seeded({ underExposed: true })), []],
    ['workstation, over-exposed as seeded', xu, () => workstationPhoto(xu, 'w7', null, seeded({ overExposed: true })), []],
    ['central, flat', lin, () => centralPhoto(lin, 'c1', null), []],
    ['central, tilted with glare and a shadow', martin, () => centralPhoto(martin, 'c2', { tilt: true, glare: true, shadow: true, blur: false }), []],
    // The central demo's deliberately invalid passport number (11 characters): the MRZ holds its first nine.
    ['central, a number too long for the MRZ', keller, () => centralPhoto({ ...keller, documentNumber: 'E1234567897' }, 'c3', null), ['documentNumber']],
  ];

  it('reads every variant the demos draw, and its fields agree with the entered data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-mrz-demo-'));
    const images = createImagePipeline({ blobDir: join(dir, 'blobs'), keyProvider, workers: { size: 1 } });
    try {
      const outcomes: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const [name, identity, photo, differing] of variants) {
        const reading = await images.readMrz((await images.admit(await photo())).sha256);
        const states = compareMrz(identity, reading, 0).fields.map((f) => `${f.field} ${f.state === 'match_via_pinyin' ? 'match' : f.state}`);
        outcomes[name] = `${reading.status} ${reading.valid ? 'valid' : 'invalid'}; ${states.join(', ')}; band at ${reading.band && reading.band.y > 0.6 ? 'the foot' : JSON.stringify(reading.band)}`;
        const want = compareMrz(identity, reading, 0).fields.map((f) => `${f.field} ${differing.includes(f.field) ? 'mismatch' : 'match'}`);
        expected[name] = `read valid; ${want.join(', ')}; band at the foot`;
      }
      expect(outcomes).toEqual(expected);
    } finally {
      await images.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('never reads a passport the demo blurred past reading as a mismatch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-mrz-blurred-'));
    const images = createImagePipeline({ blobDir: join(dir, 'blobs'), keyProvider, workers: { size: 1 } });
    try {
      const reading = await images.readMrz((await images.admit(await workstationPhoto(ouyang, 'b1', null, seeded({ blurry: true })))).sha256);
      expect(compareMrz(ouyang, reading, 0).fields.filter((f) => f.state === 'mismatch')).toEqual([]);
    } finally {
      await images.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('reading offline', () => {
  it('reads with every network call of the imaging process and its OCR thread refused, and makes none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-mrz-offline-'));
    const logFile = join(dir, 'network.log');
    const preload = pathToFileURL(join(import.meta.dirname, '../../tests/support/noNetwork.mjs')).href;
    // The imaging process inherits the environment (launch.ts), so the preload runs in it and in its threads.
    const launch: LaunchImagingProcess = (spec) =>
      forkImagingProcess({ ...spec, env: { ...spec.env, NODE_OPTIONS: `${spec.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim(), VERITY_NO_NETWORK_LOG: logFile } });
    const images = createImagePipeline({ blobDir: join(dir, 'blobs'), keyProvider, workers: { size: 1, launch } });
    try {
      const { sha256 } = await images.admit(await passportPage(td3Lines(specimenTd3)));
      expect((await images.readMrz(sha256)).status).toBe('read');
      const log = readFileSync(logFile, 'utf8').trim().split('\n');
      // Loaded in the imaging process's main thread and in the OCR's worker thread; no network call anywhere.
      expect(log.some((l) => l.startsWith('loaded') && l.endsWith('thread=main'))).toBe(true);
      expect(log.some((l) => l.startsWith('loaded') && !l.endsWith('thread=main'))).toBe(true);
      expect(log.filter((l) => l.startsWith('network'))).toEqual([]);
    } finally {
      await images.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the corpus through the reader', () => {
  const corpus = join(import.meta.dirname, '../../../shared/corpus/images');
  it('answers every corpus image with a reading or its image_* refusal, one document at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-mrz-corpus-'));
    const images = createImagePipeline({ blobDir: join(dir, 'blobs'), keyProvider, workers: { size: 1 } });
    try {
      const manifest = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
      const expected = new Map(manifest.map(([file, , , handling]) => [file!, handling!]));
      const files = readdirSync(corpus).filter((f) => expected.has(f));
      expect(files.length).toBeGreaterThan(50);
      const outcomes: Record<string, string> = {};
      for (const file of files) {
        let sha256: string;
        try {
          ({ sha256 } = await images.admit(readFileSync(join(corpus, file))));
        } catch (error) {
          outcomes[file] = `refused ${(error as { code: string }).code}`;
          continue;
        }
        try {
          outcomes[file] = (await images.readMrz(sha256)).status;
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'thrown';
          outcomes[file] = `refused ${code}`;
        }
      }
      for (const [file, outcome] of Object.entries(outcomes)) {
        // Nothing in the corpus is a passport; whatever its handling, the answer is an outcome with a code.
        expect(outcome, file).toMatch(/^(not_found|unreadable|refused image_[a-z_]+)$/);
        if (expected.get(file)!.startsWith('reject')) expect(outcome, file).toMatch(/^refused/);
      }
      // And the pool still reads a passport afterwards.
      const { sha256 } = await images.admit(await passportPage(td3Lines(specimenTd3)));
      expect((await images.readMrz(sha256)).status).toBe('read');
    } finally {
      await images.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});

describe('parsing what the OCR saw', () => {
  it('keeps the last two MRZ lines and makes a stained filler run of line 1 fillers again', () => {
    const [one, two] = td3Lines(specimenTd3);
    const text = `PASSPORT\nSurname ZHANG\n${one.slice(0, 30)}<<L<<K<L\n${two}\n`;
    expect(mrzLinesOf(text)).toEqual([one, two]);
  });

  it('reads a field that fails its check digit as no value, the others as read', () => {
    const [one, two] = td3Lines(specimenTd3);
    const damaged = `${two.slice(0, 13)}8${two.slice(14)}`; // a birth date digit misread
    const read = readFields([one, damaged])!;
    expect(read.valid).toBe(false);
    expect(read.fields!.birthDate.value).toBeNull();
    expect(read.fields!.documentNumber.value).toBe('E12345678');
    expect(read.fields!.surname.value).toBe('ZHANG');
  });
});
