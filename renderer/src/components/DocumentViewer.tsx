// The document viewer: preview first, the full-resolution rendition once the reviewer zooms in (both re-encoded:
// the applicant's own bytes are never shown, only downloaded on request, and audited); zoom (wheel, +/−, fit,
// 1:1), pan (drag, arrow keys), rotate, brightness and contrast, front/back thumbnails, and a watermark naming
// the reviewer and the time, drawn over the image by the renderer.
import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import type { ImageVariant } from '../../../shared/api';
import type { DocumentRecord } from '../../../shared/contract/cases';
import { errorMessage } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime } from '../lib/format';
import { useNow } from '../lib/useNow';
import { useFrame, type UiError } from '../state/frame';
import { knownImageUrl, rememberImageUrl, useReview } from '../state/review';
import { workstation } from '../workstation';
import { BandOverlay, type BandHighlight } from './BandOverlay';

export interface ViewerHandle {
  /** Handles a viewer shortcut; true when the key was used. */
  handleKey(event: KeyboardEvent): boolean;
}

const MIN_SCALE = 0.05;
const MAX_SCALE = 8;
const PAN_STEP = 60;

function useImageUrl(sha256: string | undefined, variant: ImageVariant, wanted = true): { url: string | null; error: UiError | null; failed(): void } {
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

function Thumbnail({ doc, index, active, onSelect }: { doc: DocumentRecord; index: number; active: boolean; onSelect(): void }) {
  const t = useT();
  const { url, failed } = useImageUrl(doc.sha256, 'thumbnail');
  const label = t('viewer.thumb', { n: index + 1, role: t(`docRole.${doc.role}`) });
  return (
    <button type="button" className={`thumb${active ? ' active' : ''}`} aria-pressed={active} aria-label={label} title={label} onClick={onSelect}>
      {url ? <img src={url} alt="" draggable={false} onError={failed} /> : <span className="thumb-placeholder" aria-hidden="true" />}
      <span className="thumb-label" aria-hidden="true">
        {index + 1} · {t(`docRole.${doc.role}`)}
      </span>
    </button>
  );
}

/** The stage's last measured size: the next case's viewer starts from it, so its first render is already fitted. */
let lastStage = { width: 800, height: 600 };

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

/** Saves the applicant's original file (a download the workstation audits); the case's audit trail then shows it. */
function DownloadOriginal({ sha256 }: { sha256: string }) {
  const t = useT();
  const [error, setError] = useState<UiError | null>(null);
  const download = async () => {
    setError(null);
    const outcome = await workstation().images.downloadOriginal({ sha256 });
    if (!outcome.ok) setError(outcome.error);
    else void useReview.getState().refresh();
  };
  return (
    <>
      <button type="button" onClick={() => void download()} title={t('viewer.downloadOriginalHint')}>
        {t('viewer.downloadOriginal')}
      </button>
      {error && (
        <span className="form-error small" role="alert">
          {t('viewer.downloadFailed', { message: errorMessage(t, error) })}
        </span>
      )}
    </>
  );
}

/** Brings an image file into the case (e.g. a clearer photo the applicant sent through a ticket). */
function AddImage({ applicationId, onAdded }: { applicationId: string; onAdded: () => void }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const add = async (file: File) => {
    setBusy(true);
    setError(null);
    const outcome = await workstation().images.import({ applicationId, role: 'page', bytes: new Uint8Array(await file.arrayBuffer()) });
    setBusy(false);
    if (!outcome.ok) {
      setError(outcome.error);
      return;
    }
    await useReview.getState().open(applicationId);
    onAdded();
  };
  return (
    <div className="add-image">
      <label className={`button${busy ? ' busy' : ''}`}>
        {busy ? t('viewer.addImageBusy') : t('viewer.addImage')}
        <input
          type="file"
          accept="image/jpeg,image/png,image/webp,image/avif,image/heic,image/heif,image/tiff"
          className="visually-hidden"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void add(file);
          }}
        />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {t('viewer.addImageFailed', { message: errorMessage(t, error) })}
        </p>
      )}
    </div>
  );
}

/**
 * `applicationId` offers adding an image to that case; `readOnly` (a supervisor reading a decided case) offers neither
 * that nor the original's download: both write to a local case's audit trail, which a supervisor's workstation lacks.
 */
export function DocumentViewer({
  documents,
  applicationId,
  readOnly = false,
  ref,
  highlight = null,
}: {
  documents: DocumentRecord[];
  applicationId?: string;
  readOnly?: boolean;
  ref?: Ref<ViewerHandle>;
  /** R11: a band to mark on one of the images (BandOverlay); the viewer shows that image. */
  highlight?: BandHighlight | null;
}) {
  const t = useT();
  const [index, setIndex] = useState(0);
  const [zoom, setZoom] = useState<'fit' | number>('fit');
  const [rotation, setRotation] = useState(0);
  const [pan, setPan] = useState({ x: 0, y: 0 });
  const [brightness, setBrightness] = useState(100);
  const [contrast, setContrast] = useState(100);
  const [stage, setStage] = useState(lastStage);
  const [wantFull, setWantFull] = useState(false);
  const [fullReady, setFullReady] = useState(false);
  const stageRef = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number; panX: number; panY: number } | null>(null);
  // A band asked for (R11) is on its image: show that one.
  useEffect(() => {
    if (highlight && highlight.image < documents.length) setIndex(highlight.image);
  }, [highlight, documents.length]);

  const doc = documents[index] ?? documents[0];
  const preview = useImageUrl(doc?.sha256, 'preview');
  const full = useImageUrl(doc?.sha256, 'full', wantFull);

  const quarterTurns = ((rotation / 90) % 4 + 4) % 4;
  const w = doc ? (quarterTurns % 2 === 0 ? doc.width : doc.height) : 1;
  const h = doc ? (quarterTurns % 2 === 0 ? doc.height : doc.width) : 1;
  const fitScale = Math.min((stage.width - 16) / w, (stage.height - 16) / h);
  const scale = zoom === 'fit' ? fitScale : zoom;

  // Measured by the observer once layout is done (its first call comes before the first paint), never by reading
  // the size here, which forced a layout and a second render on every case switch.
  useEffect(() => {
    const el = stageRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      const next = { width: el.clientWidth || 800, height: el.clientHeight || 600 };
      lastStage = next;
      setStage((s) => (s.width === next.width && s.height === next.height ? s : next));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // A new image starts fitted, upright, unadjusted, from its preview.
  useEffect(() => {
    setZoom('fit');
    setRotation(0);
    setPan({ x: 0, y: 0 });
    setWantFull(false);
    setFullReady(false);
  }, [doc?.sha256]);

  // Zoomed past the fitted size, the preview is too coarse: switch to the full-resolution rendition.
  useEffect(() => {
    if (zoom !== 'fit' && zoom > fitScale * 1.05) setWantFull(true);
  }, [zoom, fitScale]);

  const zoomTo = useCallback(
    (next: number, focus?: { x: number; y: number }) => {
      const clamped = Math.min(MAX_SCALE, Math.max(MIN_SCALE, next));
      const ratio = clamped / scale;
      // Keep the point under the cursor (relative to the stage centre) where it is.
      if (focus) setPan((p) => ({ x: focus.x - (focus.x - p.x) * ratio, y: focus.y - (focus.y - p.y) * ratio }));
      else setPan((p) => ({ x: p.x * ratio, y: p.y * ratio }));
      setZoom(clamped);
    },
    [scale],
  );
  const fit = useCallback(() => {
    setZoom('fit');
    setPan({ x: 0, y: 0 });
  }, []);
  const actualSize = useCallback(() => {
    setZoom(1);
    setPan({ x: 0, y: 0 });
    setWantFull(true);
  }, []);
  const rotate = useCallback(() => {
    setRotation((r) => r + 90);
    setPan({ x: 0, y: 0 });
  }, []);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const el = stageRef.current;
    if (!el) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = el.getBoundingClientRect();
      const focus = { x: event.clientX - rect.left - rect.width / 2, y: event.clientY - rect.top - rect.height / 2 };
      zoomTo(scale * (event.deltaY < 0 ? 1.15 : 1 / 1.15), focus);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [scale, zoomTo]);

  useImperativeHandle(
    ref,
    () => ({
      handleKey(event) {
        switch (event.key) {
          case '+':
          case '=':
            zoomTo(scale * 1.25);
            return true;
          case '-':
          case '_':
            zoomTo(scale / 1.25);
            return true;
          case 'f':
          case 'F':
            fit();
            return true;
          case '0':
            actualSize();
            return true;
          case 'e':
          case 'E':
            rotate();
            return true;
          case 'v':
          case 'V':
            if (documents.length > 1) setIndex((i) => (i + 1) % documents.length);
            return true;
          case 'ArrowLeft':
            setPan((p) => ({ ...p, x: p.x + PAN_STEP }));
            return true;
          case 'ArrowRight':
            setPan((p) => ({ ...p, x: p.x - PAN_STEP }));
            return true;
          case 'ArrowUp':
            setPan((p) => ({ ...p, y: p.y + PAN_STEP }));
            return true;
          case 'ArrowDown':
            setPan((p) => ({ ...p, y: p.y - PAN_STEP }));
            return true;
          default:
            return false;
        }
      },
    }),
    [scale, zoomTo, fit, actualSize, rotate, documents.length],
  );

  if (!doc) {
    return (
      <section className="viewer" aria-label={t('viewer.label')}>
        <p className="padded">{t('case.noDocuments')}</p>
      </section>
    );
  }

  const showFull = fullReady && full.url !== null;
  const src = showFull ? full.url : preview.url;
  const error = preview.error ?? (wantFull ? full.error : null);
  const percent = Math.round(scale * 100);
  const role = t(`docRole.${doc.role}`);

  return (
    <section className="viewer" aria-label={t('viewer.label')}>
      <div className="viewer-toolbar" role="toolbar" aria-label={t('viewer.toolbar')}>
        <button type="button" onClick={() => zoomTo(scale / 1.25)} aria-label={t('viewer.zoomOut')} title={t('viewer.zoomOut')} aria-keyshortcuts="-">
          −
        </button>
        <span className="zoom-level" data-testid="zoom-level">
          {t('viewer.zoomLevel', { percent })}
        </span>
        <button type="button" onClick={() => zoomTo(scale * 1.25)} aria-label={t('viewer.zoomIn')} title={t('viewer.zoomIn')} aria-keyshortcuts="+">
          +
        </button>
        <button type="button" onClick={fit} aria-label={t('viewer.fitName')} aria-keyshortcuts="F" aria-pressed={zoom === 'fit'}>
          {t('viewer.fit')}
        </button>
        <button type="button" onClick={actualSize} aria-label={t('viewer.actualName')} aria-keyshortcuts="0">
          {t('viewer.actual')}
        </button>
        <button type="button" onClick={rotate} aria-keyshortcuts="E">
          {t('viewer.rotate')}
        </button>
        <span className="muted small" data-testid="rotation">
          {t('viewer.rotation', { degrees: (quarterTurns * 90) % 360 })}
        </span>
        <label className="field slider">
          <span>{t('viewer.brightness')}</span>
          <input type="range" min={30} max={200} step={5} value={brightness} onChange={(e) => setBrightness(Number(e.target.value))} />
        </label>
        <label className="field slider">
          <span>{t('viewer.contrast')}</span>
          <input type="range" min={30} max={200} step={5} value={contrast} onChange={(e) => setContrast(Number(e.target.value))} />
        </label>
        <button
          type="button"
          onClick={() => {
            setBrightness(100);
            setContrast(100);
          }}
          aria-label={t('viewer.resetAdjust')}
          title={t('viewer.resetAdjust')}
        >
          ↺
        </button>
        <span className="muted small resolution" data-testid="resolution">
          {showFull ? t('viewer.resolution.full') : t('viewer.resolution.preview')}
        </span>
        {!readOnly && <DownloadOriginal sha256={doc.sha256} />}
      </div>
      <div
        className="viewer-stage"
        ref={stageRef}
        data-testid="viewer-stage"
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          drag.current = { x: e.clientX, y: e.clientY, panX: pan.x, panY: pan.y };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (d) setPan({ x: d.panX + e.clientX - d.x, y: d.panY + e.clientY - d.y });
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
            alt={t('viewer.image', { n: index + 1, role })}
            draggable={false}
            data-testid="document-image"
            data-variant={showFull ? 'full' : 'preview'}
            onError={showFull ? full.failed : preview.failed}
            style={{
              width: doc.width,
              height: doc.height,
              transform: `translate(-50%, -50%) translate(${pan.x}px, ${pan.y}px) rotate(${rotation}deg) scale(${scale})`,
              filter: `brightness(${brightness}%) contrast(${contrast}%)`,
            }}
          />
        )}
        {src && highlight?.image === index && <BandOverlay band={highlight.band} width={doc.width} height={doc.height} transform={`translate(-50%, -50%) translate(${pan.x}px, ${pan.y}px) rotate(${rotation}deg) scale(${scale})`} />}
        {/* The full rendition loads hidden and replaces the preview once decoded, so the picture never blanks. */}
        {wantFull && full.url && !fullReady && <img className="preload" src={full.url} alt="" aria-hidden="true" onLoad={() => setFullReady(true)} />}
        {!src && !error && <p className="viewer-note">{t('viewer.loading')}</p>}
        {error && (
          <p className="viewer-note form-error" role="alert">
            {t('viewer.failed', { message: errorMessage(t, error) })}
          </p>
        )}
        <Watermark />
      </div>
      <div className="thumbs" role="group" aria-label={t('viewer.thumbnails')}>
        {documents.length > 1 &&
          documents.map((d, i) => <Thumbnail key={d.id} doc={d} index={i} active={i === index} onSelect={() => setIndex(i)} />)}
        {applicationId && !readOnly && <AddImage applicationId={applicationId} onAdded={() => setIndex(documents.length)} />}
      </div>
    </section>
  );
}
