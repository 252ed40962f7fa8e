// One pane of the document viewer: an image, preview first and the full-resolution rendition once zoomed past its
// fitted size (both re-encoded: the applicant's own bytes are never shown), transformed as its PaneView says, under a
// watermark naming the reviewer and the time, drawn by the renderer. The viewer (DocumentViewer) owns the state.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ImageVariant } from '../../../shared/api';
import type { DocumentRecord } from '../../../shared/contract/cases';
import { errorMessage } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime } from '../lib/format';
import { useNow } from '../lib/useNow';
import { scaleOf, type PaneIndex, type PaneView } from '../lib/viewerState';
import { useFrame, type UiError } from '../state/frame';
import { knownImageUrl, rememberImageUrl } from '../state/review';
import { workstation } from '../workstation';
import type { MrzBand } from '../../../shared/mrzReading';
import { BandOverlay } from './BandOverlay';

export function useImageUrl(sha256: string | undefined, variant: ImageVariant, wanted = true): { url: string | null; error: UiError | null; failed(): void } {
  const [state, setState] = useState<{ key: string; url: string | null; error: UiError | null }>({ key: '', url: null, error: null });
  const [attempt, setAttempt] = useState(0);
  const retried = useRef('');
  const key = sha256 ? `${sha256}/${variant}` : '';
  useEffect(() => {
    if (!sha256 || !wanted) return;
    let live = true;
    void workstation()
      .images.url({ sha256, variant })
      .then((o) => {
        if (!live) return;
        if (o.ok) rememberImageUrl(sha256, variant, o.value);
        setState(o.ok ? { key: `${sha256}/${variant}`, url: o.value, error: null } : { key: `${sha256}/${variant}`, url: null, error: o.error });
      });
    return () => {
      live = false;
    };
  }, [sha256, variant, wanted, attempt]);
  // A URL that does not load may have been let go by the transport since it was remembered: ask once more.
  const failed = useCallback(() => {
    if (!sha256 || retried.current === key) return;
    retried.current = key;
    rememberImageUrl(sha256, variant, null);
    setAttempt((n) => n + 1);
  }, [sha256, variant, key]);
  if (state.key === key) return { url: state.url, error: state.error, failed };
  // Before this image's own answer: a URL already warmed for it (prefetch) lets the first render show it.
  return { url: sha256 && wanted ? knownImageUrl(sha256, variant) : null, error: null, failed };
}

/**
 * The stage's last measured size, one per layout (one pane, or one of two side by side): the next case's viewer starts
 * from it, so its first render is already fitted.
 */
const lastStage = { single: { width: 800, height: 600 }, compare: { width: 400, height: 600 } };

const WATERMARK_FONT = { family: 'system-ui, sans-serif', weight: 600, size: 15 };
const watermarkUrls = new Map<string, string>();
let measuring: CanvasRenderingContext2D | null = null;

/**
 * The watermark as an SVG pattern (text tiled at −30°, stroked under a faint fill), one blob: URL per text. A view
 * of a case only sets it as a background: nothing is drawn per case switch, and the browser rasterises it once.
 */
function watermarkUrl(text: string): string {
  const known = watermarkUrls.get(text);
  if (known) return known;
  measuring ??= document.createElement('canvas').getContext('2d');
  if (measuring) measuring.font = `${WATERMARK_FONT.weight} ${WATERMARK_FONT.size}px ${WATERMARK_FONT.family}`;
  const step = Math.ceil((measuring?.measureText(text).width ?? text.length * WATERMARK_FONT.size * 0.6) + 80);
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  // The second row is offset by half a step; drawn twice so the part past the tile's edge shows on the next tile.
  const rows = [`<text x="0" y="45">${escaped}</text>`, `<text x="${step / 2}" y="135">${escaped}</text>`, `<text x="${step / 2 - step}" y="135">${escaped}</text>`];
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%"><defs>` +
    `<pattern id="w" width="${step}" height="180" patternUnits="userSpaceOnUse" patternTransform="rotate(-30)">` +
    `<g font-family="${WATERMARK_FONT.family}" font-weight="${WATERMARK_FONT.weight}" font-size="${WATERMARK_FONT.size}" fill="rgba(255,255,255,0.2)" stroke="rgba(0,0,0,0.18)" stroke-width="1" paint-order="stroke">` +
    `${rows.join('')}</g></pattern></defs><rect width="100%" height="100%" fill="url(#w)"/></svg>`;
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  watermarkUrls.set(text, url);
  // One person and the time to the minute: only the last few texts can be on screen.
  if (watermarkUrls.size > 4) {
    const [oldest, old] = watermarkUrls.entries().next().value as [string, string];
    watermarkUrls.delete(oldest);
    URL.revokeObjectURL(old);
  }
  return url;
}

/** The reviewer's id and the time, tiled faintly over the document (drawn by the renderer, never part of the image). */
function Watermark() {
  const t = useT();
  const language = useLanguage();
  const person = useFrame((s) => s.person);
  const now = useNow(30_000);
  const text = t('viewer.watermark', { id: person?.id ?? '', time: formatDateTime(new Date(now).toISOString(), language) });
  const url = useMemo(() => watermarkUrl(text), [text]);
  return <div className="watermark" aria-hidden="true" data-testid="watermark" data-text={text} style={{ backgroundImage: `url("${url}")` }} />;
}

export interface PaneProps {
  doc: DocumentRecord;
  /** What the image is called: its role, and for a change whether it is the previous or the proposed identity's. */
  label: string;
  /** 1-based number in the case's image list. */
  number: number;
  view: PaneView;
  pane: PaneIndex;
  /** Two panes side by side: marks the active one and names each. */
  comparing: boolean;
  active: boolean;
  /** The stage's size, reported to the viewer (which computes each pane's fitted scale). */
  onStage(pane: PaneIndex, size: { width: number; height: number }): void;
  fit: number;
  onActivate(pane: PaneIndex): void;
  onZoom(pane: PaneIndex, factor: number, focus: { x: number; y: number }): void;
  onPan(pane: PaneIndex, dx: number, dy: number): void;
  /** R11: the MRZ band to mark on this image, in shares of the upright image. */
  band?: MrzBand | null;
}

/** The fitted scale of a `doc` turned by `rotation` in a stage of `stage`. */
export function fitScale(doc: DocumentRecord, rotation: number, stage: { width: number; height: number }): number {
  const quarterTurns = (((rotation / 90) % 4) + 4) % 4;
  const w = quarterTurns % 2 === 0 ? doc.width : doc.height;
  const h = quarterTurns % 2 === 0 ? doc.height : doc.width;
  return Math.min((stage.width - 16) / w, (stage.height - 16) / h);
}

export function initialStage(comparing: boolean): { width: number; height: number } {
  return comparing ? lastStage.compare : lastStage.single;
}

export function ImagePane({ doc, label, number, view, pane, comparing, active, onStage, fit, onActivate, onZoom, onPan, band = null }: PaneProps) {
  const t = useT();
  const stageRef = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const [fullReady, setFullReady] = useState<string | null>(null);
  const preview = useImageUrl(doc.sha256, 'preview');
  const full = useImageUrl(doc.sha256, 'full', view.wantFull);

  // Measured by the observer once layout is done (its first call comes before the first paint), never by reading
  // the size during render, which forced a layout and a second render on every case switch.
  useEffect(() => {
    const el = stageRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      const next = { width: el.clientWidth || 800, height: el.clientHeight || 600 };
      if (comparing) lastStage.compare = next;
      else lastStage.single = next;
      onStage(pane, next);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [comparing, pane, onStage]);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const el = stageRef.current;
    if (!el) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = el.getBoundingClientRect();
      onZoom(pane, event.deltaY < 0 ? 1.15 : 1 / 1.15, { x: event.clientX - rect.left - rect.width / 2, y: event.clientY - rect.top - rect.height / 2 });
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [pane, onZoom]);

  const showFull = fullReady === doc.sha256 && full.url !== null;
  const src = showFull ? full.url : preview.url;
  const error = preview.error ?? (view.wantFull ? full.error : null);
  const scale = scaleOf(view, fit);
  const percent = Math.round(scale * 100);
  const degrees = ((((view.rotation / 90) % 4) + 4) % 4) * 90;
  const adjusted = view.brightness !== 100 || view.contrast !== 100;
  const side = comparing ? (pane === 0 ? 'left' : 'right') : 'single';

  return (
    <div
      className={`viewer-pane${comparing && active ? ' active' : ''}`}
      data-testid={`viewer-pane-${side}`}
      data-active={active}
      role={comparing ? 'group' : undefined}
      aria-label={comparing ? t(pane === 0 ? 'viewer.paneLeft' : 'viewer.paneRight', { label }) : undefined}
      aria-current={comparing && active ? 'true' : undefined}
    >
      <div className="pane-caption">
        <span className="pane-name">
          {number} · {label}
        </span>
        <span className="zoom-level" data-testid="zoom-level">
          {t('viewer.zoomLevel', { percent })}
        </span>
        <span className="muted small" data-testid="rotation">
          {t('viewer.rotation', { degrees })}
        </span>
        {adjusted && (
          <span className="muted small" data-testid="adjustment">
            {t('viewer.adjustment', { brightness: view.brightness, contrast: view.contrast })}
          </span>
        )}
        <span className="muted small resolution" data-testid="resolution">
          {showFull ? t('viewer.resolution.full') : t('viewer.resolution.preview')}
        </span>
      </div>
      <div
        className="viewer-stage"
        ref={stageRef}
        data-testid="viewer-stage"
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          onActivate(pane);
          e.currentTarget.setPointerCapture(e.pointerId);
          drag.current = { x: e.clientX, y: e.clientY };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d) return;
          onPan(pane, e.clientX - d.x, e.clientY - d.y);
          drag.current = { x: e.clientX, y: e.clientY };
        }}
        onPointerUp={() => {
          drag.current = null;
        }}
        onPointerCancel={() => {
          drag.current = null;
        }}
      >
        {src && (
          <img
            key={doc.sha256}
            className="viewer-image"
            src={src}
            alt={t('viewer.image', { n: number, role: label })}
            draggable={false}
            data-testid="document-image"
            data-variant={showFull ? 'full' : 'preview'}
            data-sha256={doc.sha256}
            onError={showFull ? full.failed : preview.failed}
            style={{
              width: doc.width,
              height: doc.height,
              transform: `translate(-50%, -50%) translate(${view.pan.x}px, ${view.pan.y}px) rotate(${view.rotation}deg) scale(${scale})`,
              filter: adjusted ? `brightness(${view.brightness}%) contrast(${view.contrast}%)` : undefined,
            }}
          />
        )}
        {src && band && <BandOverlay band={band} width={doc.width} height={doc.height} transform={`translate(-50%, -50%) translate(${view.pan.x}px, ${view.pan.y}px) rotate(${view.rotation}deg) scale(${scale})`} />}
        {/* The full rendition loads hidden and replaces the preview once decoded, so the picture never blanks. */}
        {view.wantFull && full.url && !showFull && (
          <img className="preload" src={full.url} alt="" aria-hidden="true" onLoad={() => setFullReady(doc.sha256)} />
        )}
        {!src && !error && <p className="viewer-note">{t('viewer.loading')}</p>}
        {error && (
          <p className="viewer-note form-error" role="alert">
            {t('viewer.failed', { message: errorMessage(t, error) })}
          </p>
        )}
        <Watermark />
      </div>
    </div>
  );
}
