// Applicant data in the logs of a whole end-to-end run (issue 25 item 4): each test's browser host writes its stdout
// and stderr (info lines included) and its page's console to a log file of the run, and beside it the applicant
// strings that host held (names, document and registration numbers, addresses, ICP entity names). After the run every
// log is searched for every applicant string of the run, as written and as JSON escapes it.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Application, Identity } from '../../shared/domain';

/** Where one Playwright run keeps its logs (emptied at the start of a run). */
export const runLogDir = join(import.meta.dirname, '../../test-results/e2e-logs');

export function clearRunLogs(): void {
  rmSync(runLogDir, { recursive: true, force: true });
  mkdirSync(runLogDir, { recursive: true });
}

/** A test's log file: `name` made of its id, so parallel workers never share one. */
export function runLog(name: string): { path: string; write(text: string): void; markers(strings: Iterable<string>, part: string): void } {
  mkdirSync(runLogDir, { recursive: true });
  const safe = name.replace(/[^A-Za-z0-9_-]/g, '_');
  const path = join(runLogDir, `${safe}.log`);
  return {
    path,
    write: (text) => appendFileSync(path, text),
    markers: (strings, part) => writeFileSync(join(runLogDir, `${safe}.${part}.markers.json`), JSON.stringify([...new Set(strings)])),
  };
}

/** The strings of an identity that name the applicant (what no log may hold). */
function identityStrings(identity: Identity | null | undefined): string[] {
  if (!identity) return [];
  return identity.kind === 'individual'
    ? [identity.fullName, identity.documentNumber]
    : [identity.enterpriseName, identity.registeredAddress, identity.businessRegistrationNumber];
}

export function applicantStrings(applications: Iterable<Pick<Application, 'identity' | 'currentIdentity' | 'icp'>>): string[] {
  const out: string[] = [];
  for (const a of applications) out.push(...identityStrings(a.identity), ...identityStrings(a.currentIdentity), ...(a.icp.icpEntityName ? [a.icp.icpEntityName] : []));
  return out.filter((s) => s.trim().length >= 2);
}

export interface LogScan {
  logs: number;
  markers: number;
  /** `file: marker` for every applicant string found in a log. */
  found: string[];
}

/** Every log of the run searched for every applicant string of the run. */
export function scanRunLogs(dir = runLogDir): LogScan {
  if (!existsSync(dir)) return { logs: 0, markers: 0, found: [] };
  const files = readdirSync(dir);
  const markers = new Set<string>();
  for (const file of files.filter((f) => f.endsWith('.markers.json'))) for (const m of JSON.parse(readFileSync(join(dir, file), 'utf8')) as string[]) markers.add(m);
  // A log line is JSON: a quote or a control character in a name is written escaped.
  const needles = [...markers].map((m) => ({ m, forms: [...new Set([m, JSON.stringify(m).slice(1, -1)])] }));
  const logs = files.filter((f) => f.endsWith('.log'));
  const found: string[] = [];
  for (const file of logs) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const { m, forms } of needles) if (forms.some((f) => text.includes(f))) found.push(`${file}: ${JSON.stringify(m)}`);
  }
  return { logs: logs.length, markers: markers.size, found };
}
