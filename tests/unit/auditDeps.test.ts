// Why `npm audit` was not run, as `npm test` names the skipped step: here the registry answers 405 to the advisory
// endpoint (npm's --json answer below is the one it gave on this machine, 2026-12-05), and the sentence says exactly
// that; other failures keep npm's own words.
import { describe, expect, it } from 'vitest';
import { notRunPrefix, whyNotAudited } from '../../scripts/audit-deps.mjs';

const refused405 = {
  message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  method: 'POST',
  uri: 'https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  headers: { allow: ['GET,HEAD'], 'content-length': ['0'] },
  statusCode: 405,
  body: '',
  error: { summary: '', detail: '' },
};

describe('whyNotAudited', () => {
  it('names the status, the request and what the registry allows when it answered', () => {
    expect(whyNotAudited(refused405, 'npm warn audit 405 Method Not Allowed\nnpm error audit endpoint returned an error\n', 1)).toBe(
      "the registry answered 405 Method Not Allowed to npm audit's POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk (it allows only GET,HEAD there), so it gives no advisories here",
    );
  });

  it("keeps npm's own words when the registry could not be reached, and says so when npm said nothing", () => {
    expect(whyNotAudited({ error: { code: 'ENOTFOUND', summary: 'request to https://registry.npmjs.org/-/npm/v1/security/advisories/bulk failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org', detail: '' } }, '', 1)).toContain('ENOTFOUND');
    expect(whyNotAudited(null, 'npm error code ECONNREFUSED\n', 1)).toBe('npm error code ECONNREFUSED');
    expect(whyNotAudited(null, '', 137)).toBe('npm exited 137 without a report');
    expect(notRunPrefix).toBe('npm audit --omit=dev not run: ');
  });
});
