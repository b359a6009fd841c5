/**
 * "How was it?" on the phone once the service is done (the bank's rule 一(五)): the customer
 * rates it (3 or 5 levels as the branch has set; a low rating offers the reasons), is thanked
 * for a good rating or offered an apology and a promise of follow-up for a poor one, and is
 * always told where to send an opinion or a complaint. One rating per ticket: if the pad or
 * tablet at the counter already took it, the page says so.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../shared/api.js';
import { OpinionForm } from './opinion-form.js';

interface L {
  zh: string;
  en: string;
}

export interface FeedbackSettingsView {
  levels: 3 | 5;
  labels: L[];
  lowScoreAtMost: number;
  reasons: { code: string; name: L }[];
  opinionChannels: L;
}

interface RatingState {
  rated: boolean;
  rating: { score: number } | null;
  canRate: boolean;
}

/** The 5-point score of a level (1 = worst): 3 levels map to 1, 3, 5. */
export const scoreOf = (level: number, levels: 3 | 5) => (levels === 5 ? level : 1 + (level - 1) * 2);

export function Thanks({ score, settings }: { score: number; settings: FeedbackSettingsView }) {
  return score <= settings.lowScoreAtMost ? (
    <p class="thanks low" data-testid="thanks">
      很抱歉本次服务未能让您满意。您的意见已记录，我们会跟进改进。
      <br />
      <span lang="en">We are sorry the service fell short. Your rating has been recorded and we will follow up.</span>
    </p>
  ) : (
    <p class="thanks" data-testid="thanks">
      感谢您的评价与肯定！
      <br />
      <span lang="en">Thank you for your rating!</span>
    </p>
  );
}

export function OpinionChannels({ settings }: { settings: FeedbackSettingsView }) {
  return (
    <p class="opinions" data-testid="opinions">
      <b>意见与投诉 · Opinions and complaints</b>
      <br />
      {settings.opinionChannels.zh}
      <br />
      <span lang="en">{settings.opinionChannels.en}</span>
    </p>
  );
}

/** Level buttons, best first, then the reasons of a low one; calls `submit` with the 5-point score. */
export function RatingForm({ settings, busy, submit }: { settings: FeedbackSettingsView; busy: boolean; submit: (score: number, reasons: string[]) => void }) {
  const [low, setLow] = useState<number | null>(null);
  const [reasons, setReasons] = useState<string[]>([]);
  const levels = settings.labels.map((label, i) => ({ level: i + 1, label })).reverse();
  const choose = (level: number) => {
    const score = scoreOf(level, settings.levels);
    if (score <= settings.lowScoreAtMost) setLow(score);
    else submit(score, []);
  };
  if (low !== null) {
    const toggle = (code: string) => setReasons((rs) => (rs.includes(code) ? rs.filter((r) => r !== code) : [...rs, code]));
    return (
      <div class="rating-reasons" data-testid="reasons">
        <p>
          很抱歉！请告诉我们哪里做得不好（可多选）· We are sorry. What went wrong? (choose any)
        </p>
        <div class="chips">
          {settings.reasons.map((r) => (
            <button key={r.code} type="button" class={reasons.includes(r.code) ? 'chip on' : 'chip'} aria-pressed={reasons.includes(r.code)} data-reason={r.code} onClick={() => toggle(r.code)}>
              {r.name.zh} · {r.name.en}
            </button>
          ))}
        </div>
        <button type="button" class="submit" data-testid="submit" disabled={busy} onClick={() => submit(low, reasons)}>
          提交评价 · Send rating
        </button>
      </div>
    );
  }
  return (
    <div class="levels" role="group" aria-label="rating">
      {levels.map(({ level, label }) => (
        <button key={level} type="button" class={`level level-${scoreOf(level, settings.levels)}`} data-level={level} disabled={busy} onClick={() => choose(level)}>
          {label.zh}
          <small>{label.en}</small>
        </button>
      ))}
    </div>
  );
}

export function RateVisit({ ticketId }: { ticketId: string }) {
  const [settings, setSettings] = useState<FeedbackSettingsView | null>(null);
  const [state, setState] = useState<RatingState | null>(null);
  const [given, setGiven] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const path = `/api/tickets/${encodeURIComponent(ticketId)}/rating`;
    Promise.all([api<FeedbackSettingsView>('GET', '/api/feedback/settings', { token: null }), api<RatingState>('GET', path, { token: null })]).then(
      ([s, r]) => {
        setSettings(s);
        setState(r);
      },
      () => setError('暂时无法连接 · Cannot reach the branch right now'),
    );
  }, [ticketId]);

  const submit = async (score: number, reasons: string[]) => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/api/tickets/${encodeURIComponent(ticketId)}/rating`, { body: { score, reasons, channel: 'mobile' }, token: null });
      setGiven(score);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'ALREADY_RATED') setState({ rated: true, rating: null, canRate: false });
      else setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (error && !settings) return <p role="alert">{error}</p>;
  if (!settings || !state) return null;
  return (
    <section class="rate-visit" data-testid="rate-visit">
      {given !== null ? (
        <Thanks score={given} settings={settings} />
      ) : state.rated ? (
        <p class="thanks" data-testid="thanks">
          您已评价本次服务，谢谢！ · You have rated this service. Thank you!
        </p>
      ) : state.canRate ? (
        <>
          <h2>您对本次服务满意吗？ · How was your service today?</h2>
          <RatingForm settings={settings} busy={busy} submit={(s, r) => void submit(s, r)} />
        </>
      ) : null}
      {error && <p role="alert">{error}</p>}
      <OpinionChannels settings={settings} />
      <OpinionForm ticketId={ticketId} />
    </section>
  );
}
