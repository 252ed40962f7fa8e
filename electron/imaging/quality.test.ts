import { describe, expect, it } from 'vitest';
import { defaultImageLimits } from './limits';
import { processImage } from './process';
import { judgeQuality, measureQuality } from './quality';
import { corpusFile } from '../../tests/support/imaging';

type Flag = 'lowResolution' | 'blurry' | 'underExposed' | 'overExposed' | 'glare';
const flagsOf = (q: Record<Flag, boolean>): Flag[] => (['lowResolution', 'blurry', 'underExposed', 'overExposed', 'glare'] as const).filter((f) => q[f]);

// The calibration set and what R8 must say about each; the thresholds in quality.ts were chosen on these numbers.
const expectations: Array<[string, Flag[]]> = [
  ['quality/q-reference.jpg', []],
  ['quality/progressive.jpg', []],
  ['quality/gps-exif-orient6.jpg', []],
  ['quality/q-blur-sigma4.jpg', ['blurry']],
  ['quality/q-motion-blur.jpg', ['blurry']],
  ['quality/q-low-contrast-scan.jpg', ['blurry']],
  ['quality/q-overexposed.jpg', ['overExposed']],
  ['quality/q-underexposed.jpg', ['blurry', 'underExposed']],
  ['quality/q-glare.jpg', ['glare']],
  ['quality/q-too-small-400x327.jpg', ['lowResolution']],
  // Scans of white paper with black print are neither over-exposed nor glare.
  ['G31D.TIF', []],
  ['50020484-00001.png', []],
  ['2569067123_aca715a2ee_o.jpg', []],
  ['gain-map.jpg', []],
  ['full-transparent.png', ['lowResolution', 'blurry', 'overExposed']],
];

describe('R8 quality signals', () => {
  for (const [name, flags] of expectations) {
    it(`${name}: ${flags.join(', ') || 'no flags'}`, async () => {
      const { quality } = await processImage(corpusFile(name), defaultImageLimits);
      expect(flagsOf(quality)).toEqual(flags);
      for (const share of [quality.darkShare, quality.brightShare, quality.glareShare]) expect(share).toBeGreaterThanOrEqual(0);
    });
  }

  it('separates the reference from its blurred copies by a wide margin', async () => {
    const variance = async (name: string) => (await processImage(corpusFile(name), defaultImageLimits)).quality.blurVariance;
    const reference = await variance('quality/q-reference.jpg');
    expect(reference).toBeGreaterThan(300);
    expect(await variance('quality/q-motion-blur.jpg')).toBeLessThan(reference / 3);
    expect(await variance('quality/q-blur-sigma4.jpg')).toBeLessThan(reference / 20);
  });

  it('ignores glare-like white in grey sources, and survives degenerate sizes', () => {
    const white = { data: new Uint8Array(30 * 30 * 3).fill(255), width: 30, height: 30, channels: 3 };
    // A bright blob inside a dark frame.
    const framed = new Uint8Array(30 * 30 * 3).fill(40);
    for (let y = 10; y < 20; y++) for (let x = 10; x < 20; x++) framed.fill(252, (y * 30 + x) * 3, (y * 30 + x) * 3 + 3);
    const stats = measureQuality({ data: framed, width: 30, height: 30, channels: 3 });
    expect(stats.glareShare).toBeCloseTo(100 / 900, 5);
    expect(judgeQuality(stats, 3000, 3000, true).glare).toBe(true);
    expect(judgeQuality(stats, 3000, 3000, false).glare).toBe(false);
    expect(measureQuality(white).glareShare).toBe(0); // touches the border: background, not glare
    expect(measureQuality({ data: new Uint8Array(3), width: 1, height: 1, channels: 3 }).blurVariance).toBe(0);
  });
});
