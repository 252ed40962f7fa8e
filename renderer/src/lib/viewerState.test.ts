import { describe, expect, it } from 'vitest';
import { MAX_SCALE, initialViewer, viewerReducer, type ViewerAction, type ViewerState } from './viewerState';

const run = (state: ViewerState, ...actions: ViewerAction[]) => actions.reduce(viewerReducer, state);
const fits = [0.5, 0.25] as const;

describe('the document viewer state', () => {
  it('opens a change case with the previous identity beside the proposed one, the proposed pane active', () => {
    const s = initialViewer(4, 2);
    expect(s).toMatchObject({ compare: true, active: 1 });
    expect(s.panes.map((p) => p.image)).toEqual([0, 2]);
    // Without previous images: one pane, the second image ready for compare.
    const plain = initialViewer(2);
    expect(plain.compare).toBe(false);
    expect(plain.panes.map((p) => p.image)).toEqual([0, 1]);
    // Compare left on by the reviewer carries over to a case with two images, not to one with a single image.
    expect(initialViewer(2, 0, { compare: true, linked: true })).toMatchObject({ compare: true, linked: true });
    expect(initialViewer(1, 0, { compare: true, linked: true })).toMatchObject({ compare: false, linked: false });
  });

  it('zooms and pans only the active pane unless linked', () => {
    const s = run(initialViewer(2), { type: 'toggleCompare', count: 2 }, { type: 'zoomBy', factor: 2, fits }, { type: 'pan', dx: 10, dy: -5 });
    expect(s.panes[0]).toMatchObject({ zoom: 1, pan: { x: 10, y: -5 }, wantFull: true });
    expect(s.panes[1]).toMatchObject({ zoom: 'fit', pan: { x: 0, y: 0 }, wantFull: false });
  });

  it('in linked mode zooms both panes by the same factor of their own fitted size, and pans both', () => {
    const s = run(initialViewer(2), { type: 'toggleCompare', count: 2 }, { type: 'toggleLinked' }, { type: 'zoomBy', factor: 2, fits }, { type: 'pan', dx: 30, dy: 0, pane: 1 });
    expect(s.panes[0]).toMatchObject({ zoom: 1, pan: { x: 30, y: 0 } });
    expect(s.panes[1]).toMatchObject({ zoom: 0.5, pan: { x: 30, y: 0 } });
    // Rotation and adjustments stay each pane's own.
    const r = run(s, { type: 'rotate' }, { type: 'adjust', brightness: 10, contrast: -20 });
    expect(r.panes[0]).toMatchObject({ rotation: 90, brightness: 110, contrast: 80 });
    expect(r.panes[1]).toMatchObject({ rotation: 0, brightness: 100, contrast: 100 });
    // Unlinked again, a zoom reaches the active pane only.
    const u = run(r, { type: 'toggleLinked' }, { type: 'fit' });
    expect(u.panes[0].zoom).toBe('fit');
    expect(u.panes[1].zoom).toBe(0.5);
  });

  it('keeps the point under the cursor in the pane zoomed with the wheel, which becomes active', () => {
    const s = run(initialViewer(2), { type: 'toggleCompare', count: 2 }, { type: 'zoomBy', factor: 2, fits, pane: 1, focus: { x: 100, y: 40 } });
    expect(s.active).toBe(1);
    expect(s.panes[1]).toMatchObject({ zoom: 0.5, pan: { x: -100, y: -40 } });
    expect(s.panes[0].zoom).toBe('fit');
  });

  it('bounds zoom and adjustments, picks images for the active pane, switches panes only when comparing', () => {
    let s = run(initialViewer(3), ...Array.from({ length: 40 }, () => ({ type: 'zoomBy', factor: 2, fits }) as const));
    expect(s.panes[0].zoom).toBe(MAX_SCALE);
    s = run(s, ...Array.from({ length: 30 }, () => ({ type: 'adjust', brightness: 10 }) as const));
    expect(s.panes[0].brightness).toBe(200);
    expect(run(s, { type: 'switchPane' }).active).toBe(0);
    s = run(s, { type: 'toggleCompare', count: 3 }, { type: 'switchPane' }, { type: 'select', image: 2, count: 3 });
    expect(s.active).toBe(1);
    expect(s.panes[1]).toMatchObject({ image: 2, zoom: 'fit' });
    expect(run(s, { type: 'nextImage', count: 3 }).panes[1].image).toBe(0);
    // A single image has nothing to compare.
    expect(run(initialViewer(1), { type: 'toggleCompare', count: 1 }).compare).toBe(false);
  });
});
