// Specimen drawing cost (the demo's document photos, resources/specimens through electron/api/demoDrawing.ts): CPU
// time per image (this process's user + system, libvips' threads included), steadier than wall time on a shared
// machine; median of N images of the demo's own records, one after another, after two images of warm-up (fonts).
// Usage: node --import tsx bench/specimens/run.ts [images=40]
import { cpus, loadavg } from 'node:os';
import { drawDocument } from '../../electron/api/demoDrawing';
import { generateApplications } from '../../electron/store/seed';

const wanted = Number(process.argv[2] ?? 40);
const records = generateApplications(Math.ceil(wanted / 2) + 2, 7, { now: new Date('2026-12-01T09:00:00Z'), reviewers: 2 });
const jobs = records.flatMap((record) => record.documents.map((_d, i) => ({ record, i })));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

for (const { record, i } of jobs.slice(0, 2)) await drawDocument(record, i);
const cpuMs: number[] = [];
const wallMs: number[] = [];
for (const { record, i } of jobs.slice(2, 2 + wanted)) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await drawDocument(record, i);
  wallMs.push(performance.now() - t);
  const used = process.cpuUsage(cpu);
  cpuMs.push((used.user + used.system) / 1000);
}
console.log(
  JSON.stringify({
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    loadAverage: loadavg().map((n) => Math.round(n * 10) / 10),
    images: cpuMs.length,
    cpuMsPerImage: { median: Math.round(median(cpuMs)), min: Math.round(Math.min(...cpuMs)), max: Math.round(Math.max(...cpuMs)) },
    wallMsPerImage: { median: Math.round(median(wallMs)) },
  }),
);
