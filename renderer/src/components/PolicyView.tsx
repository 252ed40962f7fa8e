// The quality-review and four-eyes policy: the share sampled and the four switches, saved as a supervisor's policy
// action (queued until synced, then applied or refused), with who changed it last and when. A chunk of its own
// (SupervisorArea.tsx).
import { useEffect, useState } from 'react';
import type { QualityPolicy } from '../../../shared/contract/central';
import { errorMessage, type MessageKey } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime } from '../lib/format';
import { useFrame } from '../state/frame';
import { usePolicy } from '../state/quality';

const switches = ['sampleOverriddenApprovals', 'sampleTamperingRejections', 'fourEyesOverriddenApprovals', 'fourEyesTamperingRejections'] as const satisfies readonly (keyof QualityPolicy)[];

/** The share as typed: a number from 0 to 100 with at most two decimals, else why not. */
export function parseSamplePercent(text: string): { ok: true; value: number } | { ok: false; message: MessageKey } {
  const trimmed = text.trim().replace(',', '.');
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(trimmed)) return { ok: false, message: 'policy.percent.invalid' };
  const value = Number(trimmed);
  return value >= 0 && value <= 100 ? { ok: true, value } : { ok: false, message: 'policy.percent.invalid' };
}

export function PolicyView() {
  const t = useT();
  const language = useLanguage();
  const state = usePolicy((s) => s.state);
  const saving = usePolicy((s) => s.saving);
  const error = usePolicy((s) => s.error);
  const current = state?.current ?? null;
  const [draft, setDraft] = useState<{ percent: string; flags: Record<(typeof switches)[number], boolean> } | null>(null);
  const [invalid, setInvalid] = useState<MessageKey | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    void usePolicy.getState().reload();
    return useFrame.subscribe((s, previous) => {
      if (s.sync?.lastSyncAt && s.sync.lastSyncAt !== previous.sync?.lastSyncAt) void usePolicy.getState().reload();
    });
  }, []);

  // The form starts from the policy in force (or the change still queued) and follows it until edited.
  const base = state?.change?.mutation.type === 'policy' && state.change.state === 'pending' ? state.change.mutation.policy : current?.policy;
  const shown = draft ?? (base ? { percent: String(base.samplePercent), flags: Object.fromEntries(switches.map((k) => [k, base[k]])) as Record<(typeof switches)[number], boolean> } : null);

  const save = async () => {
    if (!shown) return;
    const percent = parseSamplePercent(shown.percent);
    if (!percent.ok) {
      setInvalid(percent.message);
      return;
    }
    setInvalid(null);
    if (await usePolicy.getState().save({ samplePercent: percent.value, ...shown.flags })) {
      setDraft(null);
      setSaved(true);
    }
  };

  const change = state?.change ?? null;
  return (
    <section className="decision-log policy-view" aria-labelledby="policy-title" data-testid="policy-view">
      <div className="log-head">
        <h1 id="policy-title">{t('policy.title')}</h1>
      </div>
      <p className="muted small" data-testid="policy-freshness">
        {state?.syncedAt ? t('policy.freshness', { time: formatDateTime(state.syncedAt, language) }) : t('policy.freshness.never')}
      </p>
      {current && (
        <p data-testid="policy-last-change">
          {current.updatedBy && current.updatedAt ? t('policy.lastChange', { person: current.updatedBy, time: formatDateTime(current.updatedAt, language) }) : t('policy.default')}
        </p>
      )}
      {change && (
        <p className={change.state === 'rejected' ? 'form-error' : 'muted'} role="status" data-testid="policy-change" data-state={change.state}>
          {change.state === 'pending'
            ? t('policy.change.pending', { time: formatDateTime(change.mutation.madeAt, language) })
            : t('policy.change.refused', { message: change.refusal?.message ?? '' })}
        </p>
      )}
      {!shown ? (
        <p className="log-empty">{t('policy.notSynced')}</p>
      ) : (
        <form
          className="policy-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label className="stacked">
            <span>{t('policy.samplePercent')}</span>
            <span>
              <input
                type="text"
                inputMode="decimal"
                aria-label={t('policy.samplePercent')}
                aria-invalid={invalid !== null}
                aria-describedby="policy-percent-help"
                value={shown.percent}
                onChange={(e) => {
                  setSaved(false);
                  setDraft({ ...shown, percent: e.target.value });
                }}
              />{' '}
              %
            </span>
            <span id="policy-percent-help" className="small">
              {t('policy.samplePercent.help')}
            </span>
          </label>
          {invalid && (
            <p className="form-error" role="alert">
              {t(invalid)}
            </p>
          )}
          <fieldset>
            <legend>{t('policy.rules')}</legend>
            {switches.map((k) => (
              <label key={k} className="policy-switch">
                <input
                  type="checkbox"
                  checked={shown.flags[k]}
                  onChange={(e) => {
                    setSaved(false);
                    setDraft({ ...shown, flags: { ...shown.flags, [k]: e.target.checked } });
                  }}
                />{' '}
                {t(`policy.${k}`)}
              </label>
            ))}
          </fieldset>
          {error && (
            <p className="form-error" role="alert">
              {errorMessage(t, error)}
            </p>
          )}
          <div className="verdict-actions">
            <button type="submit" className="primary" disabled={saving || draft === null}>
              {t('policy.save')}
            </button>
            {draft && (
              <button type="button" onClick={() => setDraft(null)}>
                {t('verdict.cancel')}
              </button>
            )}
          </div>
          {saved && (
            <p className="muted small" role="status">
              {t('policy.saved')}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
