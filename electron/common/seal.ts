// AES-256-GCM sealing of bytes at rest: MAGIC | iv | tag | ciphertext, with associated data that names what the
// bytes are, so sealed bytes moved to another name fail to open instead of being read as something else.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Buffer, magic: Buffer, associated: Buffer, plain: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associated);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([magic, iv, cipher.getAuthTag(), body]);
}

/** The plain bytes, or null when the sealed ones are damaged, altered, sealed under another name or another key. */
export function unseal(key: Buffer, magic: Buffer, associated: Buffer, sealed: Buffer): Buffer | null {
  const header = magic.length + IV_BYTES + TAG_BYTES;
  if (sealed.length < header || !sealed.subarray(0, magic.length).equals(magic)) return null;
  const iv = sealed.subarray(magic.length, magic.length + IV_BYTES);
  const tag = sealed.subarray(magic.length + IV_BYTES, header);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(associated);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(header)), decipher.final()]);
  } catch {
    return null;
  }
}

/** A temp file beside `path`, written (and flushed, with `flush`) and renamed over it; removed if writing fails. */
export async function writeAtomically(path: string, bytes: Uint8Array, flush: boolean): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    if (flush) await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(temp, path);
}
