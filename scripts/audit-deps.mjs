#!/usr/bin/env node
// `npm run audit:deps`: `npm audit --omit=dev` (what ships) with no high or critical advisory unless it is listed in
// scripts/audit-deps.reviewed.json with why it does not apply. Exit 0 clean, 1 an unreviewed advisory, 3 when the
// advisory service could not be asked (scripts/test.mjs counts that as skipped, or failed with VERITY_REQUIRE_AUDIT=1).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The line scripts/test.mjs names the skipped step by: this prefix, then why. */
export const notRunPrefix = 'npm audit --omit=dev not run: ';

/**
 * Why npm audit gave no report, in one sentence: what the registry answered (status, method, address) when it
 * answered, else npm's own message, else its exit status. `report` is npm's --json output (parsed), or null.
 */
export function whyNotAudited(report, stderr, status) {
  if (report && Number.isInteger(report.statusCode)) {
    const allowed = report.headers?.allow?.join?.(', ');
    return `the registry answered ${report.statusCode} ${STATUS_CODES[report.statusCode] ?? ''} to npm audit's ${report.method ?? 'request'} ${report.uri ?? ''}${allowed ? ` (it allows only ${allowed} there)` : ''}, so it gives no advisories here`.replace(/\s+/g, ' ');
  }
  const said = report?.error?.summary || report?.message || (stderr ?? '').split('\n').find((l) => /error|ERR/.test(l));
  return said ? String(said).trim() : `npm exited ${status} without a report`;
}

function main() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  // --audit overrides an `audit=false` in a user's .npmrc, which would make npm answer nothing at all.
  const run = spawnSync('npm', ['audit', '--omit=dev', '--json', '--audit'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let report = null;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    report = null;
  }
  if (!report || report.error || !report.metadata) {
    console.error(notRunPrefix + whyNotAudited(report, run.stderr, run.status));
    console.error('The dependencies were NOT audited. Run `npm audit --omit=dev` where the registry answers audits.');
    process.exit(3);
  }
  const reviewed = JSON.parse(readFileSync(join(root, 'scripts/audit-deps.reviewed.json'), 'utf8'));
  const serious = [];
  for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
    for (const via of v.via) {
      // A string names the dependency the advisory came through; the advisory itself is listed under that one.
      if (typeof via === 'string' || (via.severity !== 'high' && via.severity !== 'critical')) continue;
      serious.push({ name, severity: via.severity, title: via.title, url: via.url, range: via.range });
    }
  }
  const reviewOf = (a) => reviewed.find((r) => r.url === a.url && r.name === a.name);
  const blocking = serious.filter((a) => !reviewOf(a));
  for (const a of serious) console.log(`${reviewOf(a) ? 'reviewed' : 'FAIL    '} ${a.severity.padEnd(8)} ${a.name} ${a.range}: ${a.title} ${a.url}${reviewOf(a) ? `  (${reviewOf(a).reason})` : ''}`);
  for (const r of reviewed) if (!serious.some((a) => a.url === r.url && a.name === r.name)) console.log(`stale review entry (no longer reported): ${r.name} ${r.url}`);
  const counts = report.metadata.vulnerabilities;
  console.log(`npm audit --omit=dev: ${counts.total} advisories (${counts.critical} critical, ${counts.high} high, ${counts.moderate} moderate, ${counts.low} low); ${serious.length} high or critical: ${serious.length - blocking.length} reviewed, ${blocking.length} unreviewed`);
  process.exit(blocking.length ? 1 : 0);
}

// Run as a script (npm run audit:deps, scripts/test.mjs); imported by its test for whyNotAudited.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
