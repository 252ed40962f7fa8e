// R11: the MRZ band drawn over the document image when the reviewer selects a field of the comparison. It takes the
// image's own box and transform (zoom, pan, rotation), so the band stays on the characters it marks.
import type { CSSProperties } from 'react';
import type { MrzBand } from '../../../shared/mrzReading';

/** Which document's band to highlight (its index in the case) and where, as shares of the upright image. */
export interface BandHighlight {
  image: number;
  band: MrzBand;
}

export function BandOverlay({ band, width, height, transform }: { band: MrzBand; width: number; height: number; transform: string }) {
  const box: CSSProperties = { position: 'absolute', left: '50%', top: '50%', width, height, transform, transformOrigin: '50% 50%', pointerEvents: 'none' };
  const mark: CSSProperties = {
    position: 'absolute',
    left: `${band.x * 100}%`,
    top: `${band.y * 100}%`,
    width: `${band.width * 100}%`,
    height: `${band.height * 100}%`,
    outline: '0.4vmin solid var(--accent, #e0a000)',
    background: 'rgba(255, 200, 0, 0.18)',
  };
  return (
    <div style={box} aria-hidden="true">
      <div style={mark} data-testid="mrz-band" />
    </div>
  );
}
