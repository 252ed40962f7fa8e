#!/usr/bin/env node
// `npm run audit:electron`: electronegativity on the built out/ folder, run isolated through npx
// (as a devDependency it drags in a parser that breaks TypeScript tooling). It exits 0 even with
// findings and silently skips files it cannot parse, so both are checked here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'out');
const report = join(root, 'test-results', 'electronegativity.txt');
mkdirSync(join(root, 'test-results'), { recursive: true });
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;

// Its parser lacks class private fields (#x): a bundle using them would be skipped without a word.
for (const dir of ['main', 'preload']) {
  for (const file of readdirSync(join(out, dir)).filter((f) => /\.[cm]?js$/.test(f))) {
    if (/(?:this|\w)\.#[A-Za-z_]/.test(readFileSync(join(out, dir, file), 'utf8'))) {
      console.error(`out/${dir}/${file} uses class private fields (#x), which electronegativity cannot parse. Use TypeScript 'private' instead.`);
      process.exit(1);
    }
  }
}

const scan = spawnSync('npx', ['--yes', '@doyensec/electronegativity@1.10.3', '-i', out, '-r', '-x', 'AvailableSecurityFixesGlobalCheck', '-e', electronVersion, '-v', 'false'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 });
// eslint-disable-next-line no-control-regex -- strips the ANSI colours of its table
const table = (scan.stdout ?? '').replace(/\x1b\[[0-9;]*m/g, '');
writeFileSync(report, table);
if (scan.status !== 0 || !table.includes('check(s) successfully loaded')) {
  console.error(table);
  console.error('electronegativity did not run (is the npm registry reachable?).');
  process.exit(1);
}

// Its CSV output garbles some records, so the console table is read instead: each finding is a
// row "│ CHECK_ID │ file │ line:col │", followed within two lines by "│ SEVERITY | CONFIDENCE │".
const lines = table.split('\n').map((l) => l.split('│').map((c) => c.trim()));
const findings = [];
lines.forEach((cells, i) => {
  if (cells.length < 5 || !/^[A-Z_]+_CHECK$/.test(cells[1] ?? '')) return;
  const grade = [lines[i + 1]?.[1], lines[i + 2]?.[1]].find((c) => /^[A-Z]+ \| [A-Z]+$/.test(c ?? '')) ?? '';
  const [severity, confidence] = grade.split('|').map((x) => x.trim());
  findings.push({ issue: cells[1], file: cells[2], location: cells[3], severity: severity || 'UNKNOWN', confidence });
});

// Findings a person reviewed, each with the reason it is acceptable; anything else of medium or
// higher (or of unknown severity) fails. A review entry that no longer matches is reported.
const reviewed = JSON.parse(readFileSync(join(root, 'scripts/audit-electron.reviewed.json'), 'utf8'));
const reviewOf = (f) => reviewed.find((r) => r.issue === f.issue && r.file === f.file);
const serious = findings.filter((f) => f.severity !== 'LOW' && f.severity !== 'INFORMATIONAL');
const blocking = serious.filter((f) => !reviewOf(f));
for (const f of findings) {
  const mark = blocking.includes(f) ? 'FAIL    ' : reviewOf(f) ? 'reviewed' : 'note    ';
  console.log(`${mark} ${f.severity.padEnd(8)} ${f.issue}  ${f.file}:${f.location}${reviewOf(f) ? `  (${reviewOf(f).reason})` : ''}`);
}
for (const r of reviewed) if (!findings.some((f) => f.issue === r.issue && f.file === r.file)) console.log(`stale review entry (no longer found): ${r.issue} ${r.file}`);
console.log(`${findings.length} findings; ${serious.length} of medium severity or higher: ${serious.length - blocking.length} reviewed, ${blocking.length} unreviewed (full table: ${report})`);
process.exit(blocking.length ? 1 : 0);
