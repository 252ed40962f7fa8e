// How a phone photo of a document differs from the flat drawing: tilted in the hand (a slight rotation and shear,
// sharp's affine transform standing in for perspective), a glare spot from a lamp, a shadow across one side, a
// little blur. Deterministic from a seed, so the demo is the same every time; applied to part of the demo set only.
import sharp from 'sharp';
import { rawOf, sharpOf, type RawImage } from './draw';

export interface Capture {
  tilt: boolean;
  glare: boolean;
  shadow: boolean;
  blur: boolean;
}

function mix(key: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return () => {
    h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 3266489909) >>> 0;
    return ((h ^= h >>> 16) >>> 0) / 4294967296;
  };
}

/** Which effects an image (by its key) gets: about one in three is "photographed" at all, each with two or more. */
export function captureOf(key: string): Capture | null {
  const random = mix(key);
  if (random() >= 0.34) return null;
  const effects = { tilt: random() < 0.7, glare: random() < 0.5, shadow: random() < 0.5, blur: random() < 0.4 };
  if (Object.values(effects).filter(Boolean).length < 2) effects.tilt = effects.shadow = true;
  return effects;
}

/**
 * The drawing as if photographed with `capture` on a desk. Raw pixels in and out, so that nothing is encoded and
 * decoded again on the way. The light (shadow and glare, smooth gradients) is drawn at a quarter of the size and
 * scaled up; the tilt is one affine transform (shear, then rotation). `avoidBottom` keeps glare off an MRZ.
 */
export async function photographed(drawing: RawImage, capture: Capture, key: string, avoidBottom = false): Promise<RawImage> {
  const random = mix(`${key}:effects`);
  const { width, height } = drawing.info;
  const light: string[] = [];
  if (capture.shadow) {
    const fromLeft = random() < 0.5;
    light.push(
      `<defs><linearGradient id="s" x1="${fromLeft ? 0 : 1}" y1="0" x2="${fromLeft ? 1 : 0}" y2="0.4"><stop offset="0" stop-color="#000" stop-opacity="0.45"/><stop offset="0.55" stop-color="#000" stop-opacity="0"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#s)"/>`,
    );
  }
  if (capture.glare) {
    const cx = (0.25 + random() * 0.5) * width;
    const cy = (0.15 + random() * (avoidBottom ? 0.3 : 0.6)) * height;
    const r = (0.12 + random() * 0.1) * Math.max(width, height);
    light.push(
      `<defs><radialGradient id="g"><stop offset="0" stop-color="#fff" stop-opacity="0.85"/><stop offset="0.35" stop-color="#fff" stop-opacity="0.45"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs><ellipse cx="${cx.toFixed(0)}" cy="${cy.toFixed(0)}" rx="${r.toFixed(0)}" ry="${(r * 0.6).toFixed(0)}" fill="url(#g)"/>`,
    );
  }
  let image = drawing;
  if (light.length > 0) {
    const small = { width: Math.max(1, Math.round(width / 4)), height: Math.max(1, Math.round(height / 4)) };
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${small.width}" height="${small.height}" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none">${light.join('')}</svg>`;
    const overlay = await rawOf(sharp(Buffer.from(svg)).ensureAlpha().resize(width, height, { fit: 'fill', kernel: 'linear' }));
    image = await rawOf(sharpOf(image).composite([{ input: overlay.data, raw: overlay.info }]).removeAlpha());
  }
  let pipeline = sharpOf(image);
  if (capture.blur) pipeline = pipeline.blur(0.6 + random() * 0.5);
  if (capture.tilt) {
    const angle = (((random() - 0.5) * 7) * Math.PI) / 180;
    const shear = (random() - 0.5) * 0.08;
    const desk = { r: 62 + Math.round(random() * 40), g: 50 + Math.round(random() * 30), b: 40 + Math.round(random() * 20) };
    const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
    // rotation · shear, so one resampling does both
    const matrix: [[number, number], [number, number]] = [
      [cos - sin * shear * 0.4, cos * shear - sin],
      [sin + cos * shear * 0.4, sin * shear + cos],
    ];
    pipeline = pipeline.affine(matrix, { background: desk });
  }
  return rawOf(pipeline.removeAlpha());
}
