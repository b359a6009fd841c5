/** Staff sign-in with staff id and PIN (POST /api/auth/login); the token stays in this tab. */
import { useState } from 'preact/hooks';
import { api, setToken } from './api.js';
import { errorText, type Bilingual } from './error-text.js';

export interface SignInProps {
  title: string;
  note?: string;
  /** Classes of the form and of its button, so each page keeps its own look. */
  formClass?: string;
  buttonClass?: string;
  onDone: () => void;
}

export function SignIn({ title, note, formClass = 'signin', buttonClass, onDone }: SignInProps) {
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<Bilingual | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ token: string }>('POST', '/api/auth/login', { body: { staffId: staffId.trim(), pin }, token: null });
      setToken(r.token);
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      setPin('');
    }
  };
  return (
    <form class={formClass} onSubmit={submit} aria-label="sign in">
      <h1>{title}</h1>
      {note && <p class="note">{note}</p>}
      <label>
        工号 · Staff id
        <input name="staffId" autoComplete="username" value={staffId} onInput={(e) => setStaffId(e.currentTarget.value)} required autoFocus />
      </label>
      <label>
        密码 · PIN
        <input name="pin" type="password" inputMode="numeric" autoComplete="current-password" value={pin} onInput={(e) => setPin(e.currentTarget.value)} required />
      </label>
      {error && (
        <p class="error" role="alert" data-testid="sign-in-error">
          {error.zh}
          <br />
          <span lang="en">{error.en}</span>
        </p>
      )}
      <button type="submit" class={buttonClass} disabled={busy}>
        登录 · Sign in
      </button>
    </form>
  );
}
