/**
 * "Leave an opinion or a complaint" on the phone's ticket page (the bank's rule 一(五): invite
 * opinions and record them). The customer picks a category and writes; a contact is kept only
 * if they tick that the branch may contact them about it. They get a reference and the date by
 * which the branch answers.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../shared/api.js';

interface Category {
  code: string;
  name: { zh: string; en: string };
}

export function OpinionForm({ ticketId }: { ticketId: string }) {
  const [open, setOpen] = useState(false);
  const [categories, setCategories] = useState<Category[]>([]);
  const [category, setCategory] = useState('');
  const [description, setDescription] = useState('');
  const [contact, setContact] = useState('');
  const [consent, setConsent] = useState(false);
  const [done, setDone] = useState<{ ref: string; dueAt: string } | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open || categories.length > 0) return;
    api<Category[]>('GET', '/api/complaints/categories', { token: null }).then(
      (cs) => {
        setCategories(cs);
        setCategory(cs[0]?.code ?? '');
      },
      () => setError('暂时无法连接 · Cannot reach the branch right now'),
    );
  }, [open, categories.length]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const body = { kind: category === 'suggestion' ? 'opinion' : 'complaint', category, description, ...(contact.trim() ? { contact: contact.trim(), contactConsent: consent } : {}) };
      setDone(await api<{ ref: string; dueAt: string }>('POST', `/api/tickets/${encodeURIComponent(ticketId)}/complaint`, { body, token: null }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <p class="thanks" data-testid="opinion-done">
        已收到您的意见，编号 <b data-testid="opinion-ref">{done.ref}</b>，我们将在 {done.dueAt.slice(0, 10)} 前处理。
        <br />
        <span lang="en">
          Thank you. Your reference is {done.ref}; we will deal with it by {done.dueAt.slice(0, 10)}.
        </span>
      </p>
    );
  }
  if (!open) {
    return (
      <button type="button" class="chip" data-testid="open-opinion" onClick={() => setOpen(true)}>
        写意见或投诉 · Leave an opinion or complaint
      </button>
    );
  }
  return (
    <form class="opinion-form" data-testid="opinion-form" onSubmit={(e) => void submit(e)}>
      <label>
        类别 · Category
        <select name="category" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
          {categories.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name.zh} · {c.name.en}
            </option>
          ))}
        </select>
      </label>
      <label>
        内容 · What happened
        <textarea name="description" maxLength={1000} required value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      <label>
        联系电话（选填）· Phone (optional)
        <input name="contact" inputMode="tel" maxLength={80} value={contact} onInput={(e) => setContact(e.currentTarget.value)} />
      </label>
      <label class="consent">
        <input type="checkbox" name="contactConsent" checked={consent} onChange={(e) => setConsent(e.currentTarget.checked)} />
        同意网点就此事联系我 · You may contact me about this
      </label>
      {error && <p role="alert">{error}</p>}
      <button type="submit" class="submit" disabled={busy}>
        提交 · Send
      </button>
    </form>
  );
}
