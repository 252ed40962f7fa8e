import { useEffect } from 'react';
import type { Settings } from '../../../shared/contract/app';
import { ErrorBanner } from './ErrorBanner';
import { useLanguage, useT } from '../i18n/useT';
import { useFrame } from '../state/frame';
import { useUi } from '../state/ui';
import { DeviceMenu } from './DeviceMenu';
import { SignIn } from './SignIn';
import { StatusBar } from './StatusBar';
import { SupervisorArea } from './SupervisorArea';
import { Workspace } from './Workspace';

function Header() {
  const t = useT();
  const person = useFrame((s) => s.person);
  const locked = useFrame((s) => s.locked);
  const settings = useFrame((s) => s.settings);
  const sync = useFrame((s) => s.sync);
  const updateSettings = useFrame((s) => s.updateSettings);
  return (
    <header className="frame-header">
      <div className="brand">
        <span className="brand-name">{t('app.title')}</span>
        <span className="brand-tagline">{t('app.tagline')}</span>
      </div>
      <div className="header-tools">
        <span className="sync-state" role="status" aria-label={t('sync.label')}>
          {sync ? t(`sync.state.${sync.state}`) : t('frame.loading')}
        </span>
        <label className="field">
          <span>{t('frame.language')}</span>
          <select
            value={settings.language ?? 'system'}
            onChange={(e) => void updateSettings({ language: e.target.value === 'system' ? null : (e.target.value as Settings['language']) })}
          >
            <option value="system">{t('frame.language.system')}</option>
            <option value="en" lang="en">English</option>
            <option value="zh-CN" lang="zh-CN">简体中文</option>
          </select>
        </label>
        <label className="field">
          <span>{t('frame.theme')}</span>
          <select value={settings.theme} onChange={(e) => void updateSettings({ theme: e.target.value as Settings['theme'] })}>
            <option value="system">{t('frame.theme.system')}</option>
            <option value="light">{t('frame.theme.light')}</option>
            <option value="dark">{t('frame.theme.dark')}</option>
          </select>
        </label>
        <span className="person" data-testid="signed-in-person">
          {person ? (
            <>
              {t('frame.signedInAs', { name: person.displayName })} · {t(`frame.role.${person.role}`)}
            </>
          ) : (
            t('frame.notSignedIn')
          )}
        </span>
        {person && !locked && <SessionButtons />}
      </div>
    </header>
  );
}

function SessionButtons() {
  const t = useT();
  return (
    <>
      <button type="button" className="help-button" aria-keyshortcuts="?" data-testid="help-button" onClick={() => useUi.getState().setHelpOpen(true)}>
        <span aria-hidden="true">?</span> {t('frame.help')}
      </button>
      <DeviceMenu />
    </>
  );
}

/**
 * While syncing fails, why and what to do, in full (the header only says "Sync failed"); it stays while the engine
 * tries again and goes once a sync ends otherwise.
 */
function SyncProblem() {
  const t = useT();
  const sync = useFrame((s) => s.sync);
  const failing = useFrame((s) => s.syncFailing);
  const person = useFrame((s) => s.person);
  const locked = useFrame((s) => s.locked);
  if (!failing || !sync?.lastError || person === null || locked) return null;
  return <ErrorBanner error={sync.lastError} title={t('sync.state.error')} tone="lasting" testId="sync-error" />;
}

export function Frame() {
  const t = useT();
  const language = useLanguage();
  const status = useFrame((s) => s.status);
  const settings = useFrame((s) => s.settings);
  const person = useFrame((s) => s.person);
  const locked = useFrame((s) => s.locked);
  const error = useFrame((s) => s.error);
  const load = useFrame((s) => s.load);
  const dismissError = useFrame((s) => s.dismissError);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t('app.title');
  }, [language, t]);
  useEffect(() => {
    if (settings.theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = settings.theme;
  }, [settings.theme]);

  return (
    <div className="frame">
      <Header />
      <main className="frame-main" aria-label={t('frame.main')}>
        {error && <ErrorBanner error={error} title={t('error.title')} {...(status === 'failed' ? { onRetry: () => void load() } : { onDismiss: dismissError })} />}
        <SyncProblem />
        {status === 'loading' && <p className="padded">{t('frame.loading')}</p>}
        {status === 'ready' && (person === null || locked ? <SignIn /> : person.role === 'supervisor' ? <SupervisorArea /> : <Workspace />)}
      </main>
      <StatusBar />
    </div>
  );
}
