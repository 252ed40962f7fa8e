// The document viewer: one image, or two side by side to compare (front and back, document and licence, the identity
// being replaced beside the proposed one), each pane with its own zoom (wheel, +/−, fit, 1:1), pan (drag, arrow keys),
// rotation, brightness and contrast, and a linked mode where zoom and pan move both together (lib/viewerState.ts).
// Thumbnails pick the active pane's image when a case has several. The panes themselves are ImagePane.
import { useCallback, useEffect, useImperativeHandle, useMemo, useReducer, useState, type Ref } from 'react';
import type { DocumentRecord } from '../../../shared/contract/cases';
import { errorMessage } from '../i18n';
import { useT } from '../i18n/useT';
import { ADJUST_STEP, PAN_STEP, adjustRange, initialViewer, viewerReducer, type PaneIndex } from '../lib/viewerState';
import type { UiError } from '../state/frame';
import { useReview } from '../state/review';
import { workstation } from '../workstation';
import type { BandHighlight } from './BandOverlay';
import { ImagePane, fitScale, initialStage, useImageUrl } from './ImagePane';

export interface ViewerHandle {
  /** Handles a viewer shortcut; true when the key was used. */
  handleKey(event: KeyboardEvent): boolean;
}

/**
 * The reviewer's last choice of compare and linked mode, kept for the next cases (a reviewer comparing front and back
 * does so case after case); a change application opens compared whatever it is.
 */
const preferred = { compare: false, linked: false };

/** One image of the case as the viewer lists it: the previous identity's (a change application's) come first. */
interface ViewerImage {
  doc: DocumentRecord;
  previous: boolean;
}

function Thumbnail({ doc, index, label, active, shownIn, onSelect }: { doc: DocumentRecord; index: number; label: string; active: boolean; shownIn: string | null; onSelect(): void }) {
  const t = useT();
  const { url, failed } = useImageUrl(doc.sha256, 'thumbnail');
  const name = t('viewer.thumb', { n: index + 1, role: label });
  return (
    <button type="button" className={`thumb${active ? ' active' : ''}${shownIn ? ' shown' : ''}`} aria-pressed={active} aria-label={name} title={name} onClick={onSelect}>
      {url ? <img src={url} alt="" draggable={false} onError={failed} /> : <span className="thumb-placeholder" aria-hidden="true" />}
      <span className="thumb-label" aria-hidden="true">
        {index + 1} · {label}
        {shownIn && <span className="thumb-side"> · {shownIn}</span>}
      </span>
    </button>
  );
}

/**
 * A tool's name, and the sign that stands for it where the viewer is narrow (CSS: `.tool-icon`, `.tool-text`), so the
 * tools stay on one row at 1280×720; the name stays the control's accessible name and its tooltip.
 */
function ToolLabel({ icon, text }: { icon: string; text: string }) {
  return (
    <>
      <span className="tool-icon" aria-hidden="true">
        {icon}
      </span>
      <span className="tool-text">{text}</span>
    </>
  );
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
        <ToolLabel icon="↓" text={t('viewer.downloadOriginal')} />
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
 * `previousDocuments` (a change application's) are the identity being replaced: the case opens with them beside the
 * proposed ones. `applicationId` offers adding an image to that case; `readOnly` (a supervisor reading a decided case)
 * offers neither that nor the original's download: both write to a local case's audit trail, which a supervisor's
 * workstation lacks.
 */
export function DocumentViewer({
  documents,
  previousDocuments = [],
  applicationId,
  readOnly = false,
  ref,
  highlight = null,
}: {
  documents: DocumentRecord[];
  previousDocuments?: DocumentRecord[];
  applicationId?: string;
  readOnly?: boolean;
  ref?: Ref<ViewerHandle>;
  /** R11: a band to mark on one of the case's own documents (BandOverlay); the viewer shows that image. */
  highlight?: BandHighlight | null;
}) {
  const t = useT();
  const images = useMemo<ViewerImage[]>(
    () => [...previousDocuments.map((doc) => ({ doc, previous: true })), ...documents.map((doc) => ({ doc, previous: false }))],
    [documents, previousDocuments],
  );
  const count = images.length;
  const [state, dispatch] = useReducer(viewerReducer, undefined, () => initialViewer(count, previousDocuments.length, preferred));
  const [stages, setStages] = useState(() => [initialStage(state.compare), initialStage(state.compare)] as const);
  const { compare, linked, active } = state;
  // The band's image among the viewer's images (the replaced identity's come first).
  const bandImage = highlight && highlight.image < documents.length ? previousDocuments.length + highlight.image : null;
  useEffect(() => {
    if (bandImage !== null) dispatch({ type: 'select', image: bandImage, count });
  }, [bandImage, highlight, count]);
  // Only a choice made here is remembered, not the change case's own opening.
  const toggleCompare = () => {
    preferred.compare = !compare;
    dispatch({ type: 'toggleCompare', count });
  };
  const toggleLinked = () => {
    preferred.linked = !linked;
    dispatch({ type: 'toggleLinked' });
  };

  const imageAt = (pane: PaneIndex) => images[state.panes[pane].image] ?? images[0];
  const fits = [0, 1].map((i) => {
    const image = imageAt(i as PaneIndex);
    return image ? fitScale(image.doc, state.panes[i as PaneIndex].rotation, stages[i as PaneIndex]) : 1;
  }) as [number, number];
  const labelOf = (image: ViewerImage) =>
    image.previous ? t('viewer.previousRole', { role: t(`docRole.${image.doc.role}`) }) : previousDocuments.length > 0 ? t('viewer.proposedRole', { role: t(`docRole.${image.doc.role}`) }) : t(`docRole.${image.doc.role}`);

  const onStage = useCallback((pane: PaneIndex, size: { width: number; height: number }) => {
    setStages((s) => {
      const old = s[pane];
      if (old.width === size.width && old.height === size.height) return s;
      return pane === 0 ? [size, s[1]] : [s[0], size];
    });
  }, []);
  const onActivate = useCallback((pane: PaneIndex) => dispatch({ type: 'activate', pane }), []);
  const fitsKey = `${fits[0]}/${fits[1]}`;
  const onZoom = useCallback(
    (pane: PaneIndex, factor: number, focus: { x: number; y: number }) => dispatch({ type: 'zoomBy', factor, fits, pane, focus }),
    // fits is a fresh array each render; its values are the key
    [fitsKey],
  );
  const onPan = useCallback((pane: PaneIndex, dx: number, dy: number) => dispatch({ type: 'pan', dx, dy, pane }), []);

  useImperativeHandle(
    ref,
    () => ({
      handleKey(event) {
        switch (event.key) {
          case '+':
          case '=':
            dispatch({ type: 'zoomBy', factor: 1.25, fits });
            return true;
          case '-':
          case '_':
            dispatch({ type: 'zoomBy', factor: 1 / 1.25, fits });
            return true;
          case 'f':
          case 'F':
            dispatch({ type: 'fit' });
            return true;
          case '0':
            dispatch({ type: 'actual' });
            return true;
          case 'e':
          case 'E':
            dispatch({ type: 'rotate' });
            return true;
          case 'v':
          case 'V':
            dispatch({ type: 'nextImage', count });
            return true;
          case 'c':
          case 'C':
            toggleCompare();
            return true;
          case 'l':
          case 'L':
            if (compare) toggleLinked();
            return true;
          case 'x':
          case 'X':
            dispatch({ type: 'switchPane' });
            return true;
          case '[':
            dispatch({ type: 'adjust', brightness: -ADJUST_STEP });
            return true;
          case ']':
            dispatch({ type: 'adjust', brightness: ADJUST_STEP });
            return true;
          case '{':
            dispatch({ type: 'adjust', contrast: -ADJUST_STEP });
            return true;
          case '}':
            dispatch({ type: 'adjust', contrast: ADJUST_STEP });
            return true;
          case '\\':
            dispatch({ type: 'resetAdjust' });
            return true;
          case 'ArrowLeft':
            dispatch({ type: 'pan', dx: PAN_STEP, dy: 0 });
            return true;
          case 'ArrowRight':
            dispatch({ type: 'pan', dx: -PAN_STEP, dy: 0 });
            return true;
          case 'ArrowUp':
            dispatch({ type: 'pan', dx: 0, dy: PAN_STEP });
            return true;
          case 'ArrowDown':
            dispatch({ type: 'pan', dx: 0, dy: -PAN_STEP });
            return true;
          default:
            return false;
        }
      },
    }),
    // fits is a fresh array each render; its values are the key
    [fitsKey, count, compare, linked],
  );

  const current = imageAt(active);
  if (!current) {
    return (
      <section className="viewer" aria-label={t('viewer.label')}>
        <p className="padded">{t('case.noDocuments')}</p>
      </section>
    );
  }
  const view = state.panes[active];
  const shown: PaneIndex[] = compare ? [0, 1] : [active];
  const sideName = (pane: PaneIndex) => t(pane === 0 ? 'viewer.left' : 'viewer.right');

  return (
    <section className={`viewer${compare ? ' comparing' : ''}`} aria-label={t('viewer.label')}>
      <div className="viewer-toolbar" role="toolbar" aria-label={t('viewer.toolbar')}>
        <button
          type="button"
          onClick={toggleCompare}
          aria-pressed={compare}
          aria-keyshortcuts="C"
          disabled={count < 2 && !compare}
          title={t('viewer.compareHint')}
          data-testid="compare-toggle"
        >
          {t('viewer.compare')}
        </button>
        {compare && (
          <button type="button" onClick={toggleLinked} aria-pressed={linked} aria-keyshortcuts="L" title={t('viewer.linkedHint')} data-testid="linked-toggle">
            <ToolLabel icon="⇔" text={t('viewer.linked')} />
          </button>
        )}
        <span className="toolbar-sep" aria-hidden="true" />
        <button type="button" onClick={() => dispatch({ type: 'zoomBy', factor: 1 / 1.25, fits })} aria-label={t('viewer.zoomOut')} title={t('viewer.zoomOut')} aria-keyshortcuts="-">
          −
        </button>
        <button type="button" onClick={() => dispatch({ type: 'zoomBy', factor: 1.25, fits })} aria-label={t('viewer.zoomIn')} title={t('viewer.zoomIn')} aria-keyshortcuts="+">
          +
        </button>
        <button type="button" onClick={() => dispatch({ type: 'fit' })} aria-label={t('viewer.fitName')} aria-keyshortcuts="F" aria-pressed={view.zoom === 'fit'}>
          {t('viewer.fit')}
        </button>
        <button type="button" onClick={() => dispatch({ type: 'actual' })} aria-label={t('viewer.actualName')} aria-keyshortcuts="0">
          {t('viewer.actual')}
        </button>
        <button type="button" onClick={() => dispatch({ type: 'rotate' })} aria-keyshortcuts="E" title={t('viewer.rotate')}>
          <ToolLabel icon="↻" text={t('viewer.rotate')} />
        </button>
        <label className="field slider" title={t('viewer.brightness')}>
          <ToolLabel icon="☀" text={t('viewer.brightness')} />
          <input
            type="range"
            min={adjustRange.min}
            max={adjustRange.max}
            step={5}
            value={view.brightness}
            aria-keyshortcuts="[ ]"
            onChange={(e) => dispatch({ type: 'setAdjust', brightness: Number(e.target.value) })}
          />
        </label>
        <label className="field slider" title={t('viewer.contrast')}>
          <ToolLabel icon="◐" text={t('viewer.contrast')} />
          <input
            type="range"
            min={adjustRange.min}
            max={adjustRange.max}
            step={5}
            value={view.contrast}
            aria-keyshortcuts="{ }"
            onChange={(e) => dispatch({ type: 'setAdjust', contrast: Number(e.target.value) })}
          />
        </label>
        <button type="button" onClick={() => dispatch({ type: 'resetAdjust' })} aria-label={t('viewer.resetAdjust')} title={t('viewer.resetAdjust')} aria-keyshortcuts={'\\'}>
          ↺
        </button>
        {compare && (
          <span className="muted small acts-on" data-testid="active-pane">
            {t('viewer.actsOn', { side: linked ? t('viewer.both') : sideName(active) })}
          </span>
        )}
        {!readOnly && <DownloadOriginal sha256={current.doc.sha256} />}
      </div>
      <div className="viewer-panes">
        {shown.map((pane) => {
          const image = imageAt(pane);
          if (!image) return null;
          return (
            <ImagePane
              key={pane}
              doc={image.doc}
              label={labelOf(image)}
              number={state.panes[pane].image + 1}
              view={state.panes[pane]}
              pane={pane}
              comparing={compare}
              active={pane === active}
              fit={fits[pane]}
              onStage={onStage}
              onActivate={onActivate}
              onZoom={onZoom}
              onPan={onPan}
              band={highlight && state.panes[pane].image === bandImage ? highlight.band : null}
            />
          );
        })}
      </div>
      {(count > 1 || (applicationId && !readOnly)) && (
        <div className="thumbs" role="group" aria-label={t('viewer.thumbnails')}>
          {count > 1 &&
            images.map((image, i) => {
              const inPanes = shown.filter((pane) => state.panes[pane].image === i);
              const shownIn = compare && inPanes.length > 0 ? inPanes.map(sideName).join(' · ') : null;
              return (
                <Thumbnail
                  key={image.doc.id + (image.previous ? '/previous' : '')}
                  doc={image.doc}
                  index={i}
                  label={labelOf(image)}
                  active={state.panes[active].image === i}
                  shownIn={shownIn}
                  onSelect={() => dispatch({ type: 'select', image: i, count })}
                />
              );
            })}
          {applicationId && !readOnly && <AddImage applicationId={applicationId} onAdded={() => dispatch({ type: 'select', image: count, count: count + 1 })} />}
        </div>
      )}
    </section>
  );
}
