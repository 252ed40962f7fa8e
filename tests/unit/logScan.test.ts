// The scan of an end-to-end run's logs (tests/support/logScan.ts) finds an applicant's name or number in any test's
// log, written plainly or JSON-escaped, whichever test's host held that applicant; and finds nothing in clean logs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateApplications } from '../../electron/store/seed';
import { applicantStrings, scanRunLogs } from '../support/logScan';
import { tempFolder } from '../support/tempFolder';

describe('scanRunLogs', () => {
  it("names each log holding an applicant string of the run, in any test's log", () => {
    const dir = tempFolder('verity-logscan-');
    mkdirSync(dir, { recursive: true });
    const apps = generateApplications(250, 7, { reviewers: 2 }).map((r) => r.application); // the third hostile name (a quote) is the 219th
    const strings = applicantStrings(apps);
    const quoted = strings.find((s) => s.includes('"'));
    expect(quoted, 'the demo has a hostile name with a quote').toBeDefined();
    writeFileSync(join(dir, 'a.standalone.markers.json'), JSON.stringify(strings));
    writeFileSync(join(dir, 'a.log'), '{"level":"info","message":"demo data seeded","applications":250}\n');
    writeFileSync(join(dir, 'b.log'), `{"level":"info","message":"opened","name":"${strings[0]}"}\n`);
    writeFileSync(join(dir, 'c.log'), `${JSON.stringify({ level: 'warn', message: 'x', who: quoted })}\n`);
    const scan = scanRunLogs(dir);
    expect(scan.logs).toBe(3);
    expect(scan.markers).toBe(new Set(strings).size);
    expect(scan.found).toEqual([`b.log: ${JSON.stringify(strings[0])}`, `c.log: ${JSON.stringify(quoted)}`]);
  });

  it('finds nothing in logs that name no applicant', () => {
    const dir = tempFolder('verity-logscan-');
    writeFileSync(join(dir, 'x.central.markers.json'), JSON.stringify(['Anna Keller', 'E12345678']));
    writeFileSync(join(dir, 'x.log'), '{"level":"info","message":"sync finished","pulled":12}\n[page warning] something\n');
    expect(scanRunLogs(dir)).toEqual({ logs: 1, markers: 2, found: [] });
  });
});
