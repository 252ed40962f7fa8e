// The sign-in screen, and the same screen as the lock screen: while locked, no applicant data is mounted.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { errorMessage } from '../i18n';
import { useT } from '../i18n/useT';
import { useFrame, type UiError } from '../state/frame';

export function SignIn() {
  const t = useT();
  const person = useFrame((s) => s.person);
  const locked = useFrame((s) => s.locked);
  const signIn = useFrame((s) => s.signIn);
  const signOut = useFrame((s) => s.signOut);
  const rememberedUsername = useFrame((s) => s.username);
  // The lock screen names the person signed in (a person's id is their user name), however the session began.
  const [username, setUsername] = useState(() => (locked ? (rememberedUsername ?? person?.id ?? '') : ''));
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const firstField = useRef<HTMLInputElement>(null);
  const lockedPerson = locked ? person : null;

  useEffect(() => {
    firstField.current?.focus();
  }, [locked]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const failure = await signIn(username, password);
    setBusy(false);
    if (failure) {
      setError(failure);
      setPassword('');
      firstField.current?.focus();
    }
  }

  return (
    <section className="signin" aria-labelledby="signin-title">
      <form className="signin-card" onSubmit={(e) => void submit(e)} noValidate>
        <h1 id="signin-title">{lockedPerson ? t('signin.lockedTitle') : t('signin.title')}</h1>
        <p className="muted">{lockedPerson ? t('signin.lockedHint', { name: lockedPerson.displayName }) : t('signin.hint')}</p>
        {error && (
          <p className="form-error" role="alert">
            {errorMessage(t, error)}
          </p>
        )}
        <label className="stacked">
          <span>{t('signin.username')}</span>
          <input
            ref={lockedPerson && username !== '' ? undefined : firstField}
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label className="stacked">
          <span>{t('signin.password')}</span>
          <input
            ref={lockedPerson && username !== '' ? firstField : undefined}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <div className="row">
          <button type="submit" className="primary" disabled={busy || password === '' || username.trim() === ''}>
            {busy ? t('signin.busy') : t('signin.submit')}
          </button>
          {lockedPerson && (
            <button type="button" onClick={() => void signOut()}>
              {t('signin.switchUser')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
