// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Within one millisecond the 12-bit
// rand_a field is used as a counter (RFC 9562 §6.2, method 1), so ids made here sort in creation order.

let lastMs = -1;
let counter = 0;

const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

/** A new UUIDv7 string, e.g. '0192f1c4-8a3b-7c01-9d2e-4f5a6b7c8d9e'. `now` is for tests. */
export function uuidv7(now: number = Date.now()): string {
  const random = randomBytes(10);
  let ms = Math.max(0, Math.floor(now));
  if (ms > lastMs) {
    lastMs = ms;
    // Start the counter in the lower half so a burst has room to count up before it overflows.
    counter = ((random[0]! << 8) | random[1]!) & 0x7ff;
  } else {
    // Same (or an earlier, clock stepped back) millisecond: keep the last one and count up.
    ms = lastMs;
    counter += 1;
    if (counter > 0xfff) {
      // Counter exhausted: borrow the next millisecond rather than break the order.
      lastMs += 1;
      ms = lastMs;
      counter = 0;
    }
  }
  const b = new Uint8Array(16);
  // 48-bit big-endian timestamp; split because bitwise ops in JS are 32-bit.
  const high = Math.floor(ms / 0x1_0000_0000);
  const low = ms >>> 0;
  b[0] = (high >>> 8) & 0xff;
  b[1] = high & 0xff;
  b[2] = (low >>> 24) & 0xff;
  b[3] = (low >>> 16) & 0xff;
  b[4] = (low >>> 8) & 0xff;
  b[5] = low & 0xff;
  b[6] = 0x70 | ((counter >>> 8) & 0x0f); // version 7 + high bits of the counter
  b[7] = counter & 0xff;
  b[8] = 0x80 | (random[2]! & 0x3f); // variant 10
  for (let i = 9; i < 16; i++) b[i] = random[i - 6]!;
  let out = '';
  for (let i = 0; i < 16; i++) {
    out += hex[b[i]!]!;
    if (i === 3 || i === 5 || i === 7 || i === 9) out += '-';
  }
  return out;
}

export const uuidv7Pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix milliseconds a UUIDv7 was made at. */
export function uuidv7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
