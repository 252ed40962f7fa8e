// The status bar: connection, sync state and progress, decisions waiting, last sync, "Sync now", and the
// decisions the central service refused ("needs attention"), each with its reason, the case to open, and how it was
// resolved (re-decided, withdrawal acknowledged, handed to a supervisor), which clears it from the list and the count.
import { useEffect, useRef, useState } from 'react';
import { shortRef } from '../../../shared/applicationRef';
import type { AttentionItem, AttentionResolution } from '../../../shared/contract/sync';
import { errorMessage, type MessageKey } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime } from '../lib/format';
import { useFrame, type UiError } from '../state/frame';
import { useReview } from '../state/review';
import { CopyId } from './CopyId';

const knownReasons = new Set(['withdrawn', 'already_decided', 'not_assigned', 'stale', 'invalid', 'wrong_author', 'cannot_apply']);

function AttentionList({ onClose }: { onClose: () => void }) {
  const t = useT();
  const language = useLanguage();
  const items = useFrame((s) => s.attention);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const reasonText = (item: AttentionItem) => {
    const key = (knownReasons.has(item.reason) ? `attention.reason.${item.reason}` : 'attention.reason.other') as MessageKey;
    return t(key, { reason: item.reason, assignee: item.current?.assignee ?? '—' });
  };
  const open = (applicationId: string) => {
    onClose();
    void useReview.getState().open(applicationId);
  };
  return (
    <dialog ref={dialog} className="help-dialog attention-dialog" aria-labelledby="attention-title" onCancel={onClose} onClose={onClose}>
      <div className="dialog-head">
        <h2 id="attention-title">{t('attention.title')}</h2>
        <button type="button" onClick={onClose} autoFocus>
          {t('shortcuts.close')}
        </button>
      </div>
      <p>{t('attention.explain')}</p>
      {items.length === 0 ? (
        <p>{t('attention.empty')}</p>
      ) : (
        <ul className="attention-list" data-testid="attention-list">
          {items.map((item) => (
            <li key={item.mutationId} data-application={item.applicationId} data-reason={item.reason} data-testid="attention-item">
              <div>
                <strong>{item.displayName}</strong> <span className="mono">{shortRef(item.applicationId)}</span> <CopyId id={item.applicationId} />
              </div>
              <div>
                {t(item.outcome === 'approve' ? 'attention.approved' : 'attention.rejected', { time: formatDateTime(item.decidedAt, language) })}
              </div>
              <div className="attention-reason">{reasonText(item)}</div>
              {item.current && <div className="muted">{t('attention.current', { status: t(`appStatus.${item.current.status}`) })}</div>}
              <button type="button" onClick={() => open(item.applicationId)}>
                {t('attention.open', { id: shortRef(item.applicationId) })}
              </button>
              <ResolveAttention item={item} />
            </li>
          ))}
        </ul>
      )}
    </dialog>
  );
}

/** A withdrawal can be acknowledged only when the refusal or the case as the central service had it says so. */
const wasWithdrawn = (item: AttentionItem) => item.reason === 'withdrawn' || item.current?.status === 'withdrawn';

function ResolveAttention({ item }: { item: AttentionItem }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const resolve = async (resolution: AttentionResolution) => {
    setBusy(true);
    const failure = await useFrame.getState().resolveAttention(item.mutationId, resolution);
    setBusy(false);
    setError(failure);
  };
  const hint = `attention-hint-${item.mutationId}`;
  return (
    <div className="attention-resolve" role="group" aria-label={t('attention.resolve')}>
      <span className="muted small">{t('attention.resolve')}:</span>
      <button type="button" disabled={busy || !item.reDecided} aria-describedby={item.reDecided ? undefined : hint} onClick={() => void resolve('re_decided')}>
        {t('attention.resolution.re_decided')}
      </button>
      {wasWithdrawn(item) && (
        <button type="button" disabled={busy} onClick={() => void resolve('withdrawn_acknowledged')}>
          {t('attention.resolution.withdrawn_acknowledged')}
        </button>
      )}
      <button type="button" disabled={busy} onClick={() => void resolve('handed_to_supervisor')}>
        {t('attention.resolution.handed_to_supervisor')}
      </button>
      {!item.reDecided && (
        <span id={hint} className="muted small">
          {t('attention.reDecideFirst')}
        </span>
      )}
      {error && (
        <p className="form-error" role="alert">
          {errorMessage(t, error)}
        </p>
      )}
    </div>
  );
}

function SyncProgressText() {
  const t = useT();
  const progress = useFrame((s) => s.progress);
  if (!progress) return null;
  const phase = t(`sync.phase.${progress.phase}`);
  return (
    <span data-testid="sync-progress">
      {progress.total === null ? t('sync.progress.open', { phase, done: progress.done }) : t('sync.progress', { phase, done: progress.done, total: progress.total })}
    </span>
  );
}

export function StatusBar() {
  const t = useT();
  const language = useLanguage();
  const info = useFrame((s) => s.info);
  const sync = useFrame((s) => s.sync);
  const online = useFrame((s) => s.online);
  const person = useFrame((s) => s.person);
  const locked = useFrame((s) => s.locked);
  const syncing = useFrame((s) => s.syncing);
  const syncNow = useFrame((s) => s.syncNow);
  const [attentionOpen, setAttentionOpen] = useState(false);
  // Reachable means the network is up and the central service answered the last time it was asked.
  const connected = online && sync?.state !== 'offline';
  const canSync = person !== null && !locked && sync !== null && sync.state !== 'not_configured';
  return (
    <footer className="status-bar">
      <span className={connected ? 'net online' : 'net offline'} data-testid="connection">
        <span aria-hidden="true" className="dot" />
        <span className="visually-hidden">{t('status.connection')}: </span>
        {connected ? t('status.online') : t('status.offline')}
      </span>
      {sync && <span data-testid="pending-sync">{t('sync.pending', { count: sync.pendingDecisions })}</span>}
      {sync?.waitingFor.map((w) => (
        <span key={w.person.id} data-testid="waiting-for" data-person={w.person.id}>
          {t('sync.waitingFor', { count: w.decisions, person: w.person.displayName })}
        </span>
      ))}
      {sync && <span>{sync.lastSyncAt ? t('status.lastSync', { time: formatDateTime(sync.lastSyncAt, language) }) : t('status.neverSynced')}</span>}
      <span aria-live="polite">
        <SyncProgressText />
      </span>
      {canSync && (
        <button type="button" onClick={() => void syncNow()} disabled={syncing || sync.state === 'syncing'}>
          {t('sync.now')}
        </button>
      )}
      {sync && sync.rejectedDecisions > 0 && person && !locked && (
        <button type="button" className="attention-button" data-testid="needs-attention" onClick={() => setAttentionOpen(true)}>
          {t('attention.button', { count: sync.rejectedDecisions })}
        </button>
      )}
      <span className="spacer" />
      {info && (
        <>
          <span>{sync?.embedded ? t('status.central.embedded') : sync?.centralUrl ? t('status.central', { url: sync.centralUrl }) : null}</span>
          <span>{t(`status.host.${info.host}`)}</span>
          <span>{t('status.version', { version: info.version })}</span>
          <span>{t('status.device', { id: info.deviceId.slice(0, 8) })}</span>
        </>
      )}
      {attentionOpen && <AttentionList onClose={() => setAttentionOpen(false)} />}
    </footer>
  );
}
