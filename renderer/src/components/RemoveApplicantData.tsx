// "Remove all applicant data" (issue 25, a workstation leaving service): a last sync first, then every decision the
// central service has not taken is named and must be ticked one by one (it would be lost), then the wipe. The
// decisions and the audit trail stay; the main process refuses the wipe while any unsynced decision is unconfirmed.
// A supervisor's verdicts still queued here are named and ticked the same way.
import { useEffect, useState } from 'react';
import type { RetirementCheck } from '../../../shared/contract/device';
import { errorMessage } from '../i18n';
import { useT } from '../i18n/useT';
import { unwrap, workstation, WorkstationError } from '../workstation';
import { ModalDialog } from './ModalDialog';

type Step =
  | { kind: 'syncing' }
  | { kind: 'confirm'; check: RetirementCheck }
  | { kind: 'removing'; check: RetirementCheck }
  | { kind: 'done'; applications: number; documents: number }
  | { kind: 'failed'; error: WorkstationError | Error };

/** Opened from the header's "This device" menu (DeviceMenu.tsx). */
export function RemoveApplicantDataDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const [step, setStep] = useState<Step>({ kind: 'syncing' });
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  const [tickedVerdicts, setTickedVerdicts] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    let live = true;
    unwrap(workstation().device.retirementCheck({})).then(
      (check) => live && setStep({ kind: 'confirm', check }),
      (error: Error) => live && setStep({ kind: 'failed', error }),
    );
    return () => {
      live = false;
    };
  }, []);

  const remove = (check: RetirementCheck) => {
    setStep({ kind: 'removing', check });
    unwrap(workstation().device.removeApplicantData({ confirmUnsynced: [...ticked], confirmVerdicts: [...tickedVerdicts] })).then(
      (removed) => setStep({ kind: 'done', ...removed }),
      (error: Error) => setStep({ kind: 'failed', error }),
    );
  };
  const flip = (id: string) => (before: ReadonlySet<string>) => {
    const next = new Set(before);
    if (!next.delete(id)) next.add(id);
    return next;
  };
  const toggle = (applicationId: string) => setTicked(flip(applicationId));
  const toggleVerdict = (id: string) => setTickedVerdicts(flip(id));

  return (
    <ModalDialog className="retire-dialog" titleId="retire-title" title={t('retire.title')} testId="remove-applicant-data" onClose={onClose} busy={step.kind === 'removing'}>
      <p>{t('retire.explain')}</p>
      {step.kind === 'syncing' && <p role="status">{t('retire.syncing')}</p>}
      {step.kind === 'failed' && (
        <p className="error" role="alert">
          {step.error instanceof WorkstationError ? errorMessage(t, step.error) : step.error.message}
        </p>
      )}
      {(step.kind === 'confirm' || step.kind === 'removing') && (
        <>
          <p role="status">{step.check.synced ? t('retire.synced') : t('retire.notSynced')}</p>
          {step.check.unsynced.length === 0 ? (
            <p>{t('retire.nothingUnsynced')}</p>
          ) : (
            <fieldset>
              <legend>{t('retire.unsynced', { count: step.check.unsynced.length })}</legend>
              {step.check.unsynced.map((d) => (
                <label key={d.applicationId} className="check">
                  <input type="checkbox" checked={ticked.has(d.applicationId)} onChange={() => toggle(d.applicationId)} disabled={step.kind === 'removing'} />
                  {t('retire.unsyncedItem', { id: d.applicationId, name: d.displayName, outcome: t(`retire.outcome.${d.outcome}`), by: d.decidedBy, state: t(`retire.state.${d.state}`) })}
                </label>
              ))}
            </fieldset>
          )}
          {step.check.unsyncedVerdicts.length > 0 && (
            <fieldset>
              <legend>{t('retire.unsyncedVerdicts', { count: step.check.unsyncedVerdicts.length })}</legend>
              {step.check.unsyncedVerdicts.map((v) => (
                <label key={v.id} className="check">
                  <input type="checkbox" checked={tickedVerdicts.has(v.id)} onChange={() => toggleVerdict(v.id)} disabled={step.kind === 'removing'} />
                  {t('retire.unsyncedVerdict', { id: v.applicationId ?? v.decisionId, name: v.applicantName ?? '—', verdict: t(`retire.verdict.${v.verdict}`), by: v.madeBy })}
                </label>
              ))}
            </fieldset>
          )}
          <div className="dialog-actions">
            <button
              type="button"
              className="danger"
              disabled={
                step.kind === 'removing' || step.check.unsynced.some((d) => !ticked.has(d.applicationId)) || step.check.unsyncedVerdicts.some((v) => !tickedVerdicts.has(v.id))
              }
              onClick={() => remove(step.check)}
            >
              {step.kind === 'removing' ? t('retire.removing') : t('retire.confirm')}
            </button>
            <button type="button" onClick={onClose} disabled={step.kind === 'removing'} autoFocus>
              {t('retire.cancel')}
            </button>
          </div>
        </>
      )}
      {step.kind === 'done' && <p role="status">{t('retire.done', { applications: step.applications, documents: step.documents })}</p>}
    </ModalDialog>
  );
}
