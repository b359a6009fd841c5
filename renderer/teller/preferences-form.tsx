/**
 * The customer's preferences as the teller records them with the customer (称呼, language,
 * needs, best time to call): kept only with the customer's consent to keep a file, which the
 * service checks. The form replaces them whole, so what is cleared here is gone.
 */
import { useState } from 'preact/hooks';
import { api } from '../shared/api.js';
import { errorLine } from '../shared/error-text.js';
import { Options } from '../shared/options.js';
import { ErrorNote } from '../shared/staff-header.js';

export interface Preferences {
  addressAs?: string;
  language?: 'zh' | 'en';
  needs?: string[];
  contactTime?: string;
}

export const NEEDS: Record<string, string> = {
  large_print: '大字 · large print',
  hearing: '听力 · hearing',
  vision: '视力 · vision',
  mobility: '行动 · mobility',
  interpreter: '翻译 · interpreter',
  quiet_room: '安静房间 · quiet room',
};
export const TIMES: Record<string, string> = { morning: '上午 · mornings', afternoon: '下午 · afternoons', evening: '晚上 · evenings', any: '任何时间 · any time' };
const LANGUAGES = [
  ['', '未说明 · Not said'],
  ['zh', '中文 · Chinese'],
  ['en', '英文 · English'],
] as const;

export function PreferencesForm({ customerId, prefs, onSaved }: { customerId: string; prefs: Preferences; onSaved: (text: string) => void }) {
  const [addressAs, setAddressAs] = useState(prefs.addressAs ?? '');
  const [language, setLanguage] = useState<string>(prefs.language ?? '');
  const [contactTime, setContactTime] = useState(prefs.contactTime ?? '');
  const [needs, setNeeds] = useState(new Set(prefs.needs ?? []));
  const [error, setError] = useState('');
  const save = async (e: Event) => {
    e.preventDefault();
    setError('');
    const body = {
      ...(addressAs.trim() ? { addressAs: addressAs.trim() } : {}),
      ...(language ? { language } : {}),
      ...(needs.size ? { needs: [...needs] } : {}),
      ...(contactTime ? { contactTime } : {}),
    };
    try {
      await api('PUT', `/api/customers/${encodeURIComponent(customerId)}/preferences`, { body });
      onSaved('偏好已保存 · Preferences saved');
    } catch (err) {
      setError(errorLine(err));
    }
  };
  const toggle = (need: string, on: boolean) =>
    setNeeds((s) => {
      const next = new Set(s);
      if (on) next.add(need);
      else next.delete(need);
      return next;
    });
  return (
    <details class="preferences">
      <summary>编辑偏好 · Edit preferences</summary>
      <form aria-label="preferences" data-testid="preferences-form" onSubmit={(e) => void save(e)}>
        <label>
          称呼 · Address as
          <input name="addressAs" maxLength={40} value={addressAs} onInput={(e) => setAddressAs(e.currentTarget.value)} />
        </label>
        <label>
          语言 · Language
          <select name="language" value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
            <Options list={LANGUAGES} />
          </select>
        </label>
        <label>
          联系时间 · Best time
          <select name="contactTime" value={contactTime} onChange={(e) => setContactTime(e.currentTarget.value)}>
            <Options list={[['', '未说明 · Not said'], ...Object.entries(TIMES)]} />
          </select>
        </label>
        <fieldset>
          <legend>需要 · Needs</legend>
          {Object.entries(NEEDS).map(([k, l]) => (
            <label key={k} class="check">
              <input type="checkbox" name={`need-${k}`} checked={needs.has(k)} onChange={(e) => toggle(k, e.currentTarget.checked)} />
              {l}
            </label>
          ))}
        </fieldset>
        <button type="submit">保存偏好 · Save preferences</button>
      </form>
      <ErrorNote text={error} />
    </details>
  );
}
