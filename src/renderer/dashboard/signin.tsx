/** Staff sign-in for the dashboard and reports pages (POST /api/auth/login); the token stays in this tab. */
import { useState } from 'preact/hooks';
import { ApiError, api, setToken } from '../shared/api.js';

export function SignIn({ title, note, onDone }: { title: string; note?: string; onDone: () => void }) {
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const r = await api<{ token: string }>('POST', '/api/auth/login', { body: { staffId: staffId.trim(), pin }, token: null });
      setToken(r.token);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
      setPin('');
    }
  };
  return (
    <form class="signin" onSubmit={submit} aria-label="sign in">
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
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        登录 · Sign in
      </button>
    </form>
  );
}
