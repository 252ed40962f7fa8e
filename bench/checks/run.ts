// Document checks benchmark: the R11 MRZ read per passport photo in an imaging process (median, p95, the share of
// fields read correctly, the imaging process's peak RSS with the OCR worker loaded), and what the number checks
// (R9, R10) cost per case. Run: `npx tsx bench/checks/run.ts [--pages 30]`. Passport pages are generated
// (tests/support/mrzImages.ts: clean, askew, blurred, noisy, JPEG, sideways) into memory; results go to
// bench/README.md by hand, with the load average printed here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExplicitKeyProvider } from '../../electron/common/keys';
import { createImagePipeline } from '../../electron/imaging';
import { generateApplications, seedEpoch } from '../../electron/store/seed';
import { createCalendar } from '../../shared/businessDays';
import { ruleR10, ruleR9 } from '../../shared/documentRules';
import { passportPage, td3Lines, type PageOptions, type Td3Data } from '../../tests/support/mrzImages';
import { argValue, machine } from '../common';

const pages = Number(argValue('--pages') ?? 30);
const surnames = ['ZHANG', 'LI', 'WANG', 'OUYANG', 'ERIKSSON', 'SMITH', 'NGUYEN', 'GARCIA'];
const givens = ['WEI', 'XIAOMING', 'NANA', 'ANNA MARIA', 'JOHN', 'THI LAN', 'LUCIA'];
const variants: PageOptions[] = [{}, { width: 1200, skewDeg: 2.5, blurSigma: 0.8, noise: 0.01, jpegQuality: 60 }, { rotate: 90, jpegQuality: 80 }, { width: 1600, skewDeg: -1.5, jpegQuality: 70 }, { width: 1000, blurSigma: 0.6 }];

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const digits = (n: number, width: number) => String(n).padStart(width, '0');

/** Resident sizes (MB) of this process's descendants: the launcher's imaging processes. */
function descendantsRssMb(): number {
  try {
    const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' });
    const rows = out.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
    const mine = new Set([process.pid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, ppid] of rows) {
        if (!mine.has(ppid) || mine.has(pid)) continue;
        mine.add(pid);
        grew = true;
      }
    }
    return Math.max(0, ...rows.filter(([pid]) => pid !== process.pid && mine.has(pid)).map(([, , rss]) => rss / 1024));
  } catch {
    return 0;
  }
}

async function mrzBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'verity-bench-checks-'));
  const images = createImagePipeline({ blobDir: join(dir, 'blobs'), keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 9)), workers: { size: 1 } });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, descendantsRssMb())), 200);
  try {
    const times: number[] = [];
    let fields = 0;
    let correct = 0;
    // Warm-up: the process starts and loads the OCR model once (not counted).
    const warm = await images.admit(await passportPage(td3Lines({ issuer: 'CHN', nationality: 'CHN', surname: 'WARM', givenNames: 'UP', documentNumber: 'E00000000', birth: '800101', sex: 'F', expiry: '300101' })));
    await images.readMrz(warm.sha256);
    for (let i = 0; i < pages; i++) {
      const data: Td3Data = {
        issuer: i % 3 === 0 ? 'SWE' : 'CHN',
        nationality: i % 3 === 0 ? 'SWE' : 'CHN',
        surname: surnames[i % surnames.length]!,
        givenNames: givens[i % givens.length]!,
        documentNumber: `E${digits((i * 7919 + 12345) % 1e8, 8)}`,
        birth: `${digits(60 + (i % 40), 2)}${digits(1 + (i % 12), 2)}${digits(1 + (i % 28), 2)}`,
        sex: i % 2 ? 'F' : 'M',
        expiry: `${digits(27 + (i % 9), 2)}${digits(1 + ((i * 5) % 12), 2)}${digits(1 + ((i * 3) % 28), 2)}`,
      };
      const bytes = await passportPage(td3Lines(data), variants[i % variants.length]);
      const { sha256 } = await images.admit(bytes);
      const started = performance.now();
      const reading = await images.readMrz(sha256);
      times.push(performance.now() - started);
      const expected: Record<string, string> = { surname: data.surname, givenNames: data.givenNames, documentNumber: data.documentNumber, nationality: data.nationality, birthDate: data.birth, sex: data.sex, expiryDate: data.expiry };
      for (const [name, value] of Object.entries(expected)) {
        fields++;
        if (reading.fields?.[name as keyof typeof reading.fields]?.value === value) correct++;
      }
    }
    times.sort((a, b) => a - b);
    console.log(`MRZ read per passport photo (${pages} pages, ${variants.length} capture variants, warm process): median ${quantile(times, 0.5).toFixed(0)} ms, p95 ${quantile(times, 0.95).toFixed(0)} ms, max ${times[times.length - 1]!.toFixed(0)} ms`);
    console.log(`fields read correctly: ${correct}/${fields} (${((100 * correct) / fields).toFixed(1)} %)`);
    console.log(`imaging process peak RSS with the OCR worker loaded: ${peakRss.toFixed(0)} MB`);
  } finally {
    clearInterval(sampler);
    await images.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function numberChecksBench(): void {
  const calendar = createCalendar();
  const applications = generateApplications(20_000, 5).map((r) => r.application);
  const now = new Date(seedEpoch);
  let flags = 0;
  const started = performance.now();
  for (let round = 0; round < 5; round++) for (const application of applications) flags += ruleR9(application, calendar).length + (ruleR10(application, now, calendar) ? 1 : 0);
  const perCase = ((performance.now() - started) * 1000) / (5 * applications.length);
  console.log(`number checks (R9 + R10) per case: ${perCase.toFixed(2)} µs over ${applications.length} generated applications ×5 (${flags} flags)`);
}

console.log(machine());
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
numberChecksBench();
await mrzBench();
console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
