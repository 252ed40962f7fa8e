// What the document viewer shows: one pane, or two side by side (compare), each with its own image, zoom, pan,
// rotation, brightness and contrast. In linked mode a zoom or pan moves both panes together (each relative to its own
// fitted size, so two images of different resolutions stay in step). Pure, so the keyboard and the mouse share it.

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 8;
export const PAN_STEP = 60;
export const ADJUST_STEP = 10;
const ADJUST_MIN = 30;
const ADJUST_MAX = 200;

export type PaneIndex = 0 | 1;

export interface PaneView {
  /** Index into the viewer's image list. */
  image: number;
  zoom: 'fit' | number;
  pan: { x: number; y: number };
  rotation: number;
  brightness: number;
  contrast: number;
  /** Zoomed past the fitted size once: the full-resolution rendition is wanted. */
  wantFull: boolean;
}

export interface ViewerState {
  compare: boolean;
  linked: boolean;
  /** The pane the toolbar and the keyboard act on (the only one shown outside compare mode). */
  active: PaneIndex;
  panes: [PaneView, PaneView];
}

/** Each pane's fitted scale, as its stage measures it. */
export type Fits = readonly [number, number];

export type ViewerAction =
  | { type: 'select'; image: number; count: number }
  | { type: 'nextImage'; count: number }
  | { type: 'zoomBy'; factor: number; fits: Fits; pane?: PaneIndex; focus?: { x: number; y: number } }
  | { type: 'fit' }
  | { type: 'actual' }
  | { type: 'rotate' }
  | { type: 'pan'; dx: number; dy: number; pane?: PaneIndex }
  | { type: 'adjust'; brightness?: number; contrast?: number }
  | { type: 'setAdjust'; brightness?: number; contrast?: number }
  | { type: 'resetAdjust' }
  | { type: 'toggleCompare'; count: number }
  | { type: 'toggleLinked' }
  | { type: 'activate'; pane: PaneIndex }
  | { type: 'switchPane' };

function freshPane(image: number): PaneView {
  return { image, zoom: 'fit', pan: { x: 0, y: 0 }, rotation: 0, brightness: 100, contrast: 100, wantFull: false };
}

/**
 * Where a case opens: with `previousCount` images of the identity being replaced (listed first), previous beside
 * proposed in compare mode; otherwise the first image alone (or beside the second when the reviewer left compare on).
 */
export function initialViewer(count: number, previousCount = 0, preferred: { compare: boolean; linked: boolean } = { compare: false, linked: false }): ViewerState {
  if (previousCount > 0 && count > previousCount) {
    return { compare: true, linked: preferred.linked, active: 1, panes: [freshPane(0), freshPane(previousCount)] };
  }
  // The reviewer's last choice of compare mode carries over to a case with two images or more.
  const compare = preferred.compare && count > 1;
  return { compare, linked: compare && preferred.linked, active: 0, panes: [freshPane(0), freshPane(count > 1 ? 1 : 0)] };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The panes an action reaches: both when linked in compare mode, else the one named or the active one. */
function targets(state: ViewerState, pane: PaneIndex | undefined, linkable: boolean): PaneIndex[] {
  if (linkable && state.compare && state.linked) return [0, 1];
  return [pane ?? state.active];
}

function update(state: ViewerState, which: readonly PaneIndex[], change: (p: PaneView, i: PaneIndex) => PaneView): ViewerState {
  const panes: [PaneView, PaneView] = [...state.panes];
  for (const i of which) panes[i] = change(panes[i], i);
  return { ...state, panes };
}

export function scaleOf(view: PaneView, fit: number): number {
  return view.zoom === 'fit' ? fit : view.zoom;
}

export function viewerReducer(state: ViewerState, action: ViewerAction): ViewerState {
  switch (action.type) {
    case 'select':
      if (action.image < 0 || action.image >= action.count) return state;
      return update(state, [state.active], () => freshPane(action.image));
    case 'nextImage':
      if (action.count < 2) return state;
      return update(state, [state.active], (p) => freshPane((p.image + 1) % action.count));
    case 'zoomBy': {
      const from = action.pane ?? state.active;
      const next = action.pane !== undefined ? { ...state, active: action.pane } : state;
      return update(next, targets(state, from, true), (p, i) => {
        const fit = action.fits[i];
        const scale = scaleOf(p, fit);
        const zoom = clamp(scale * action.factor, MIN_SCALE, MAX_SCALE);
        const ratio = zoom / scale;
        // Keep the point under the cursor (relative to the stage centre) where it is; the other pane keeps its centre.
        const focus = i === from ? action.focus : undefined;
        const pan = focus
          ? { x: focus.x - (focus.x - p.pan.x) * ratio, y: focus.y - (focus.y - p.pan.y) * ratio }
          : { x: p.pan.x * ratio, y: p.pan.y * ratio };
        return { ...p, zoom, pan, wantFull: p.wantFull || zoom > fit * 1.05 };
      });
    }
    case 'fit':
      return update(state, targets(state, undefined, true), (p) => ({ ...p, zoom: 'fit', pan: { x: 0, y: 0 } }));
    case 'actual':
      return update(state, targets(state, undefined, true), (p) => ({ ...p, zoom: 1, pan: { x: 0, y: 0 }, wantFull: true }));
    case 'rotate':
      return update(state, [state.active], (p) => ({ ...p, rotation: p.rotation + 90, pan: { x: 0, y: 0 } }));
    case 'pan': {
      const from = action.pane ?? state.active;
      return update(state, targets(state, from, true), (p) => ({ ...p, pan: { x: p.pan.x + action.dx, y: p.pan.y + action.dy } }));
    }
    case 'adjust':
      return update(state, [state.active], (p) => ({
        ...p,
        brightness: clamp(p.brightness + (action.brightness ?? 0), ADJUST_MIN, ADJUST_MAX),
        contrast: clamp(p.contrast + (action.contrast ?? 0), ADJUST_MIN, ADJUST_MAX),
      }));
    case 'setAdjust':
      return update(state, [state.active], (p) => ({
        ...p,
        brightness: clamp(action.brightness ?? p.brightness, ADJUST_MIN, ADJUST_MAX),
        contrast: clamp(action.contrast ?? p.contrast, ADJUST_MIN, ADJUST_MAX),
      }));
    case 'resetAdjust':
      return update(state, [state.active], (p) => ({ ...p, brightness: 100, contrast: 100 }));
    case 'toggleCompare':
      if (action.count < 2 && !state.compare) return state;
      return { ...state, compare: !state.compare };
    case 'toggleLinked':
      return state.compare ? { ...state, linked: !state.linked } : state;
    case 'activate':
      return state.active === action.pane ? state : { ...state, active: action.pane };
    case 'switchPane':
      return state.compare ? { ...state, active: state.active === 0 ? 1 : 0 } : state;
  }
}

export const adjustRange = { min: ADJUST_MIN, max: ADJUST_MAX };
