// HEIC (HEVC in HEIF) from phones: sharp's prebuilt libvips has no HEVC decoder, so HEIC is decoded by libheif
// compiled to WebAssembly (libheif-js, the same libheif libvips uses) and handed to sharp as raw pixels.
// WebAssembly is memory-safe towards the host: a hostile file can at worst fail or exhaust the wasm heap.
import { createRequire } from 'node:module';
import { DomainError } from '../../shared/errors';

interface HeifImage {
  get_width(): number;
  get_height(): number;
  is_primary(): boolean;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (result: { data: Uint8ClampedArray } | null) => void): void;
  free(): void;
}
interface LibHeif {
  HeifDecoder: new () => { decode(buffer: Uint8Array): HeifImage[] };
}

let libheif: LibHeif | null = null;
function load(): LibHeif {
  // The bundle embeds the .wasm, so no file has to be found next to a bundled main process.
  libheif ??= createRequire(import.meta.url)('libheif-js/wasm-bundle') as LibHeif;
  return libheif;
}

export interface RawRgba {
  data: Buffer;
  width: number;
  height: number;
  channels: 4;
}

/** Decodes the primary image of a HEIC file to RGBA (libheif applies the file's rotation and mirroring). */
export async function decodeHeic(buffer: Uint8Array, maxPixels: number): Promise<RawRgba> {
  let images: HeifImage[];
  try {
    const { HeifDecoder } = load();
    images = new HeifDecoder().decode(buffer);
  } catch {
    throw new DomainError('image_corrupt', 'The HEIC photo is damaged and cannot be opened. Ask the applicant to upload it again, or as JPEG.');
  }
  try {
    const image = images.find((i) => i.is_primary()) ?? images[0];
    if (!image) throw new DomainError('image_corrupt', 'The HEIC file holds no picture. Ask the applicant to upload the photo again, or as JPEG.');
    const width = image.get_width();
    const height = image.get_height();
    if (!(width > 0 && height > 0)) throw new DomainError('image_corrupt', 'The HEIC photo has no valid size. Ask the applicant to upload it again, or as JPEG.');
    if (width * height > maxPixels) {
      throw new DomainError('image_pixel_limit', `The HEIC photo is ${width}×${height} pixels, more than this workstation decodes (${Math.round(maxPixels / 1e6)} MP). Ask for a smaller photo or a JPEG.`);
    }
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    const pixels = await new Promise<Uint8ClampedArray | null>((resolve) => {
      try {
        image.display(target, (result) => resolve(result ? result.data : null));
      } catch {
        resolve(null);
      }
    });
    if (!pixels) throw new DomainError('image_corrupt', 'The HEIC photo could not be decoded. Ask the applicant to upload it again, or as JPEG.');
    return { data: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), width, height, channels: 4 };
  } finally {
    for (const image of images) {
      try {
        image.free();
      } catch {
        // already released
      }
    }
  }
}
