/**
 * The counter console: the current ticket, large actions with keyboard shortcuts, waiting counts.
 * Live from /api/stream (a call pad at the same counter shows up here too). It survives a network
 * drop: it says it is offline, reconnects by itself, and every user action carries one
 * Idempotency-Key however often it is retried, so a double press or a retry after the drop never
 * calls two tickets. The key of an action that never got an answer is kept and reused when the
 * same action is pressed again, even after a reload.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, act, api, newIdempotencyKey } from '../shared/api.js';
import { openStream, type StreamEvent } from '../shared/stream.js';
import { errorLine } from '../shared/error-text.js';
import { branchTime } from '../shared/branch-time.js';
import { ACTIONS, type ActionDef, type CounterTicket } from './actions.js';
import { callReasonText } from './call-reason.js';
import { answerNote, applyAnswer, applyEvent, changesWaiting, type ActionAnswer, type CounterView } from './counter-state.js';
import type { Me } from './login.js';
import { actionId, PendingKeys } from './pending-keys.js';
import { CustomerPanel } from './customer-panel.js';
import { changesRating, RatingStatus } from './rating-status.js';

export interface Config {
  branch: { timeZone: string };
  services: { code: string; name: { zh: string; en: string } }[];
  counters: { id: string; name: { zh: string; en: string }; services: { code: string; level: string }[] }[];
  segments: { code: string; name: { zh: string; en: string }; priority: boolean }[];
  pauseReasons: { code: string; name: { zh: string; en: string } }[];
}

interface CurrentView {
  counter: { status: 'open' | 'paused' | 'closed'; pauseReason?: string };
  ticket: CounterTicket | null;
  lastEventId: number;
}

function sessionStore(): Storage | undefined {
  try {
    return sessionStorage;
  } catch {
    return undefined; // storage off: keys live for this page only
  }
}


function waitedText(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m} 分 ${s} 秒 · ${m} min ${s} s` : `${s} 秒 · ${s} s`;
}

const clockTime = (t: number, timeZone: string) => branchTime(t, timeZone, { seconds: true });

export function CounterConsole({ me, config, onSignedOut, onUnauthorized }: { me: Me; config: Config; onSignedOut: () => void; onUnauthorized: () => void }) {
  const counterId = me.counter!;
  const counterDef = config.counters.find((c) => c.id === counterId);
  const [state, setState] = useState<CounterView>({ status: 'open', ticket: null });
  const pauseReason = state.pauseReason;
  const stateRef = useRef(state);
  stateRef.current = state;
  const pendingRef = useRef<PendingKeys | null>(null);
  pendingRef.current ??= new PendingKeys(sessionStore(), newIdempotencyKey);
  const [waiting, setWaiting] = useState<Record<string, number>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [choosing, setChoosing] = useState<ActionDef | null>(null);
  // "Call next" while the called customer has not been started: the teller says what happened.
  const [notStarted, setNotStarted] = useState<CounterTicket | null>(null);
  // The customer just transferred: their new number stays on screen until the next action.
  const [transferred, setTransferred] = useState<{ id: string; number: string; serviceCode: string; from: string; print?: string } | null>(null);
  const [offlineSince, setOfflineSince] = useState<number | null>(null);
  const [lastOutage, setLastOutage] = useState<{ from: number; to: number } | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [ratingChanged, setRatingChanged] = useState(0);
  const offlineRef = useRef<number | null>(null);
  const busyRef = useRef(false);

  const goOffline = useCallback(() => {
    if (offlineRef.current === null) {
      offlineRef.current = Date.now();
      setOfflineSince(offlineRef.current);
    }
  }, []);
  const goOnline = useCallback(() => {
    if (offlineRef.current !== null) {
      setLastOutage({ from: offlineRef.current, to: Date.now() });
      offlineRef.current = null;
      setOfflineSince(null);
    }
  }, []);

  const refreshWaiting = useCallback(async () => {
    const q = await api<{ services: { code: string; waiting: number }[] }>('GET', '/api/queue');
    setWaiting(Object.fromEntries(q.services.map((s) => [s.code, s.waiting])));
  }, []);

  // Recover the counter (current ticket, pause) and follow the stream from there.
  useEffect(() => {
    let stream: { close(): void } | undefined;
    let closed = false;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    const scheduleWaiting = () => {
      if (refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined;
        refreshWaiting().catch(() => undefined);
      }, 250);
    };
    const onEvent = (e: StreamEvent) => {
      setState((s) => applyEvent(s, e, counterId));
      if (changesWaiting(e)) scheduleWaiting();
      if (changesRating(e, counterId)) setRatingChanged((n) => n + 1);
    };
    const start = async () => {
      for (let attempt = 0; !closed; attempt++) {
        try {
          const cur = await api<CurrentView>('GET', `/api/counters/${encodeURIComponent(counterId)}/current`);
          await refreshWaiting();
          if (closed) return;
          setState({ status: cur.counter.status, ticket: cur.ticket, pauseReason: cur.counter.pauseReason });
          setLoaded(true);
          goOnline();
          stream = openStream({
            after: cur.lastEventId,
            onEvent,
            onState: (s) => {
              if (s === 'online') goOnline();
              else if (s === 'offline') goOffline();
            },
          });
          return;
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) return onUnauthorized();
          if (err instanceof ApiError && err.status !== 0) {
            setMessage({ kind: 'error', text: errorLine(err) });
            return;
          }
          goOffline();
          await new Promise((r) => setTimeout(r, Math.min(5000, 300 * 2 ** attempt)));
        }
      }
    };
    void start();
    return () => {
      closed = true;
      stream?.close();
      if (refreshTimer) clearTimeout(refreshTimer);
    };
  }, [counterId]);

  const run = useCallback(
    async (def: ActionDef, body?: unknown): Promise<boolean> => {
      if (busyRef.current) return false; // one action at a time: a double press is ignored
      busyRef.current = true;
      setBusy(def.id);
      setMessage(null);
      setTransferred(null);
      const before = stateRef.current.ticket;
      const id = actionId(counterId, def.id, body);
      const pending = pendingRef.current!;
      const key = pending.take(id);
      const forget = () => pending.forget(id);
      try {
        const r = await act<ActionAnswer>('POST', `/api/counters/${encodeURIComponent(counterId)}/${def.id}`, {
          body,
          idempotencyKey: key,
          retries: 40,
          onRetry: goOffline,
        });
        forget();
        goOnline();
        setState((s) => applyAnswer(s, def.id, r));
        const note = answerNote(def.id, r);
        if (note) setMessage({ kind: 'info', text: note });
        if (def.id === 'transfer' && r?.ticket && before) setTransferred({ id: r.ticket.id, number: r.ticket.number, serviceCode: r.ticket.serviceCode, from: before.number });
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          forget();
          onUnauthorized();
        } else if (err instanceof ApiError && err.code === 'NETWORK') {
          // Not answered: keep the key, so pressing the same action again cannot act twice.
          setMessage({ kind: 'error', text: '网络不通，操作未确认；恢复后再按一次（不会重复）· Not confirmed: press again when back online (it will not act twice)' });
        } else if (err instanceof ApiError && err.code === 'TICKET_NOT_STARTED') {
          // The screen was behind (a call pad called): ask, as if the teller had pressed it here.
          forget();
          setNotStarted(stateRef.current.ticket);
        } else {
          forget();
          setMessage({ kind: 'error', text: errorLine(err) });
        }
        return false;
      } finally {
        busyRef.current = false;
        setBusy(null);
      }
    },
    [counterId],
  );

  const press = useCallback(
    (def: ActionDef) => {
      if (busyRef.current || !def.enabled(state)) return;
      // Call next never completes a service that was not started: the teller chooses what happened.
      if (def.id === 'next' && state.ticket?.status === 'called') setNotStarted(state.ticket);
      else if (def.choose) setChoosing(def);
      else void run(def);
    },
    [state, run],
  );

  // The same numbers as the call pads': a service's place in the configuration, whatever the ticket.
  const options =
    choosing?.choose === 'service'
      ? config.services.map((s, i) => ({ key: String(i + 1), value: s.code, name: s.name, disabled: s.code === state.ticket?.serviceCode }))
      : choosing?.choose === 'reason'
        ? config.pauseReasons.map((r, i) => ({ key: String(i + 1), value: r.code, name: r.name, disabled: false }))
        : [];

  const choose = (value: string) => {
    const def = choosing!;
    setChoosing(null);
    void run(def, def.choose === 'service' ? { serviceCode: value } : { reason: value });
  };

  const actionDef = (id: ActionDef['id']) => ACTIONS.find((a) => a.id === id)!;
  /** The answer to "Call next" on a customer not started: start them, or end their call and call the next. */
  const resolveNotStarted = async (how: 'start' | 'no-show' | 'put-back') => {
    setNotStarted(null);
    if (how === 'start') return void run(actionDef('start'));
    if (await run(actionDef(how))) await run(actionDef('next'));
  };

  const reprintTransferred = async () => {
    if (!transferred) return;
    try {
      const r = await act<{ print: { status: string; reason?: string } }>('POST', `/api/tickets/${encodeURIComponent(transferred.id)}/print`, { retries: 2 });
      const text =
        r.print.status === 'printed' ? '已在取号机打印，请客户到取号机取票 · Printed at the kiosk: the customer picks it up there' : `未能打印 · Not printed: ${r.print.reason ?? r.print.status}`;
      setTransferred({ ...transferred, print: text });
    } catch (err) {
      setTransferred({ ...transferred, print: errorLine(err) });
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.ctrlKey || e.altKey || e.metaKey || (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (notStarted) {
        const how = { s: 'start', x: 'no-show', b: 'put-back' }[e.key.toLowerCase()] as 'start' | 'no-show' | 'put-back' | undefined;
        if (e.key === 'Escape') setNotStarted(null);
        else if (how) void resolveNotStarted(how);
        e.preventDefault();
        return;
      }
      if (choosing) {
        if (e.key === 'Escape') setChoosing(null);
        const o = options.find((x) => x.key === e.key && !x.disabled);
        if (o) choose(o.value);
        e.preventDefault();
        return;
      }
      const def = ACTIONS.find((a) => a.key === e.key.toUpperCase());
      if (def) {
        e.preventDefault();
        press(def);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const signOut = async () => {
    try {
      if (state.status !== 'closed' && !state.ticket) await act('POST', `/api/counters/${encodeURIComponent(counterId)}/close`);
      await api('POST', '/api/auth/logout');
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) {
        setMessage({ kind: 'error', text: errorLine(err) });
        return;
      }
    }
    onSignedOut();
  };

  const t = state.ticket;
  const service = t ? config.services.find((s) => s.code === t.serviceCode) : undefined;
  const segment = t ? config.segments.find((s) => s.code === t.segment) : undefined;
  const reason = pauseReason ? config.pauseReasons.find((r) => r.code === pauseReason) : undefined;
  const serviceNames = new Map(config.services.map((s) => [s.code, `${s.name.zh} · ${s.name.en}`]));

  return (
    <div class="console">
      <header>
        <div class="where">
          <b>{counterDef?.name.zh ?? counterId}</b> {counterDef?.name.en} · {me.name} ({me.staffId})
        </div>
        <div class={`conn ${offlineSince ? 'offline' : 'online'}`} data-testid="conn" role="status">
          {offlineSince ? `网络已断开，正在重连… · Offline since ${clockTime(offlineSince, config.branch.timeZone)}, reconnecting` : '在线 · Online'}
        </div>
        {/* Same tab: the sign-in lives in this tab, and the console recovers the counter on return. */}
        <a href="/followups" data-testid="followups-link">
          回访 · Follow-ups
        </a>
        <button onClick={() => void signOut()} disabled={!!state.ticket} title={state.ticket ? '请先办结当前客户 · Finish the current customer first' : ''}>
          退出 · Sign out
        </button>
      </header>
      {lastOutage && !offlineSince && (
        <div class="notice" data-testid="offline-note" role="status">
          网络曾中断 {clockTime(lastOutage.from, config.branch.timeZone)}–{clockTime(lastOutage.to, config.branch.timeZone)}，已恢复 · Was offline {clockTime(lastOutage.from, config.branch.timeZone)}–{clockTime(lastOutage.to, config.branch.timeZone)}, reconnected
        </div>
      )}
      <main class={t ? 'with-customer' : ''}>
        <section class="ticket" data-testid="ticket" aria-live="polite">
          {!loaded ? (
            <p>正在加载 · Loading…</p>
          ) : state.status === 'paused' && !t ? (
            <div class="paused">
              暂停中 · Paused{reason ? ` — ${reason.name.zh} · ${reason.name.en}` : ''}
            </div>
          ) : t ? (
            <>
              {state.status === 'paused' && (
                // A system fault interrupted this service; the customer waits at the counter.
                <div class="paused" data-testid="interrupted">
                  暂停中 · Paused{reason ? ` — ${reason.name.zh} · ${reason.name.en}` : ''}
                </div>
              )}
              <div class="number" data-testid="ticket-number" data-status={t.status}>
                {t.number}
              </div>
              <div class="status">{t.status === 'serving' ? '办理中 · Serving' : `已呼叫 · Called${t.recalls ? ` (重呼 ${t.recalls} · recalled ${t.recalls}×)` : ''}`}</div>
              <div class="service">
                {service?.name.zh} · {service?.name.en}
              </div>
              {segment && (
                <span class={`badge ${segment.priority ? 'priority' : ''}`} data-testid="segment">
                  {segment.name.zh} · {segment.name.en}
                </span>
              )}
              <div class="waited">等候 · Waited {waitedText(t.waitedSeconds)}</div>
              {t.callReason && (
                <div class="reason" data-testid="call-reason">
                  叫号原因：{callReasonText(t.callReason).zh}
                  <br />
                  <span lang="en">Why this ticket: {callReasonText(t.callReason).en}</span>
                </div>
              )}
            </>
          ) : (
            <div class="idle">当前无客户 · No customer at the counter</div>
          )}
          <RatingStatus counterId={counterId} changed={ratingChanged} />
        </section>
        <CustomerPanel counterId={counterId} ticketId={t?.id ?? null} services={serviceNames} timeZone={config.branch.timeZone} />
        <section class="actions">
          {ACTIONS.map((a) => (
            <button key={a.id} data-action={a.id} class={a.id === 'next' ? 'primary big' : 'big'} disabled={busy !== null || !loaded || !a.enabled(state)} onClick={() => press(a)}>
              {a.zh}
              <small>{a.en}</small>
              <kbd>{a.key}</kbd>
            </button>
          ))}
        </section>
      </main>
      {transferred && (
        <div class="transferred" role="status" data-testid="transferred">
          <div>
            请告知客户新号码 · Tell the customer the new number: <b data-testid="transferred-number">{transferred.number}</b>{' '}
            <small>
              （原 {transferred.from} · was {transferred.from}；{config.services.find((x) => x.code === transferred.serviceCode)?.name.zh} · {config.services.find((x) => x.code === transferred.serviceCode)?.name.en}）
            </small>
          </div>
          <button data-testid="print-transferred" onClick={() => void reprintTransferred()}>
            打印新号票 · Print the new ticket
          </button>
          {transferred.print && <span data-testid="transferred-print">{transferred.print}</span>}
        </div>
      )}
      {message && (
        <div class={`message ${message.kind}`} role="alert" data-testid="message">
          {message.text}
        </div>
      )}
      <footer class="waiting" data-testid="waiting">
        <span class="label">等候人数 · Waiting</span>
        {(counterDef?.services ?? []).map((s) => {
          const def = config.services.find((x) => x.code === s.code);
          return (
            <div key={s.code} class={`svc ${s.level}`} data-service={s.code}>
              <span>
                {def?.name.zh} <small>{def?.name.en}</small> <small>{s.level === 'primary' ? '主 · primary' : '辅 · secondary'}</small>
              </span>
              <b>{waiting[s.code] ?? '–'}</b>
            </div>
          );
        })}
      </footer>
      {notStarted && (
        <div class="modal" role="dialog" aria-label="Customer not started" data-testid="not-started">
          <div class="card">
            <h2>
              {notStarted.number} 已叫号但还没有开始办理
              <br />
              <small>{notStarted.number} was called but the service was not started</small>
            </h2>
            <p>请选择发生了什么（不会记为已办结）· Choose what happened (it is not recorded as served):</p>
            <div class="options">
              <button data-choice="start" onClick={() => void resolveNotStarted('start')}>
                <kbd>S</kbd> 客户已到，开始办理 · The customer is here: start serving
              </button>
              <button data-choice="no-show" onClick={() => void resolveNotStarted('no-show')}>
                <kbd>X</kbd> 客户未到：过号，叫下一位 · Not here: no-show, then call the next
              </button>
              <button data-choice="put-back" onClick={() => void resolveNotStarted('put-back')}>
                <kbd>B</kbd> 放回队列（保留位置），叫下一位 · Put back in line (keeps the place), then call the next
              </button>
            </div>
            <button onClick={() => setNotStarted(null)}>
              取消 · Cancel <kbd>Esc</kbd>
            </button>
          </div>
        </div>
      )}
      {choosing && (
        <div class="modal" role="dialog" aria-label={choosing.en}>
          <div class="card">
            <h2>{choosing.choose === 'service' ? '转至业务 · Transfer to' : '暂停原因 · Pause reason'}</h2>
            <div class="options">
              {options.map((o) => (
                <button key={o.value} data-option={o.value} disabled={o.disabled} onClick={() => choose(o.value)}>
                  <kbd>{o.key}</kbd> {o.name.zh} · {o.name.en}
                  {o.disabled && <small>当前业务 · current service</small>}
                </button>
              ))}
            </div>
            <button onClick={() => setChoosing(null)}>
              取消 · Cancel <kbd>Esc</kbd>
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
