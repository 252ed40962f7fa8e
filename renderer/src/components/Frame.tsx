import { useEffect, useMemo } from 'react';
import type { Settings } from '../../../shared/contract/app';
import { errorMessage, translator, type Translate } from '../i18n';
import { effectiveLanguage, useFrame } from '../state/frame';

function Header({ t }: { t: Translate }) {
  const person = useFrame((s) => s.person);
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
      </div>
    </header>
  );
}

function StatusBar({ t }: { t: Translate }) {
  const info = useFrame((s) => s.info);
  const sync = useFrame((s) => s.sync);
  return (
    <footer className="status-bar">
      {info && (
        <>
          <span>{t(`status.host.${info.host}`)}</span>
          <span>{t('status.version', { version: info.version })}</span>
          <span>{t('status.device', { id: info.deviceId.slice(0, 8) })}</span>
        </>
      )}
      {sync && <span>{t('sync.pending', { count: sync.pendingDecisions })}</span>}
    </footer>
  );
}

export function Frame() {
  const status = useFrame((s) => s.status);
  const settings = useFrame((s) => s.settings);
  const person = useFrame((s) => s.person);
  const error = useFrame((s) => s.error);
  const load = useFrame((s) => s.load);
  const dismissError = useFrame((s) => s.dismissError);
  const language = effectiveLanguage(settings);
  const t = useMemo(() => translator(language), [language]);

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
      <Header t={t} />
      <main className="frame-main" aria-label={t('frame.main')}>
        {error && (
          <div className="error-banner" role="alert">
            <strong>{t('error.title')}</strong>
            <p>{errorMessage(t, error)}</p>
            <button type="button" onClick={() => (status === 'failed' ? void load() : dismissError())}>
              {t('error.retry')}
            </button>
          </div>
        )}
        {status === 'loading' && <p>{t('frame.loading')}</p>}
        {status === 'ready' && (
          <section className="welcome">
            <h1>{t('frame.welcome', { name: person?.displayName ?? '' })}</h1>
            <p>{t('frame.noCases')}</p>
          </section>
        )}
      </main>
      <StatusBar t={t} />
    </div>
  );
}
