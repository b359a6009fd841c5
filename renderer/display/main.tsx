/**
 * The lobby display (综合屏 on a 1920×1080 TV): the newest call large and flashing, the last
 * calls, people waiting per service, a notice ticker and the time, and the voice. It needs no
 * sign-in and only reads (GET and the event stream): it cannot change anything. It shows ticket
 * numbers, counters and services only, never a segment or a staff name.
 *
 * Query parameters: notice=TEXT (overrides the configured notice), langs=zh,en,yue (voice
 * languages), voice=auto|clips|speech|off, rate=R (voice speed, 0.5–4, default 1), calls=N (rows
 * of recent calls).
 */
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { MISSED_NUMBER } from '../../common/customer-text.js';
import '../shared/base.css';
import './display.css';
import { api } from '../shared/api.js';
import { openStream, type StreamEvent, type StreamState } from '../shared/stream.js';
import { Announcer, type VoiceMode } from './announcer.js';

interface Call {
  key: string;
  /** The call's event (announcements of the call carry it); undefined for calls found at start. */
  eventId?: number;
  ticketId: string;
  number: string;
  serviceCode: string;
  counter: string;
  recall: boolean;
}

interface ServiceRow {
  code: string;
  name: { zh: string; en: string };
  waiting: number;
}

interface QueueView {
  at: string;
  lastEventId: number;
  services: ServiceRow[];
  counters: { id: string; currentTicket: { id: string; number: string; serviceCode: string; status: string; calledAt?: string } | null }[];
}

interface Settings {
  branch: { name: { zh: string; en: string }; timeZone: string };
  notice: string | null;
  voiceLanguages: string[];
  recentCalls: number;
}

// A call replayed after a long disconnection is shown, but announcing it minutes late would
// send a customer to a counter that has moved on.
const ANNOUNCE_WITHIN_MS = 120_000;
// A call stays the big one at least this long, and until its announcement has been spoken, so
// two calls close together are each seen and heard (the second waits its turn).
const MIN_HOLD_MS = 4_000;
const DEFAULT_NOTICE = `请留意叫号。${MISSED_NUMBER.zh} · Please listen for your number. ${MISSED_NUMBER.en}`;
const SPOKEN = new Set(['played', 'failed', 'skipped']);

const params = new URLSearchParams(location.search);

async function untilLoaded<T>(load: () => Promise<T>): Promise<T> {
  // The TV may come up before the branch service: keep asking.
  for (let attempt = 0; ; attempt++) {
    try {
      return await load();
    } catch {
      await new Promise((r) => setTimeout(r, Math.min(5000, 300 * 2 ** attempt)));
    }
  }
}

function Clock({ timeZone }: { timeZone: string }) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(t);
  }, []);
  const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('zh-CN', { timeZone, ...o }).format(now);
  return (
    <div class="clock" data-testid="clock">
      <div class="time">{fmt({ hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })}</div>
      <div class="date">{fmt({ year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' })}</div>
    </div>
  );
}

/**
 * The big "now calling" slot and the recent list. Calls wait their turn for the slot: one leaves
 * it only after MIN_HOLD_MS and once its announcement has been spoken, so the number on the
 * screen is the number being heard.
 */
class CallBoard {
  /** Calls that have had the slot, newest first; [0] holds it now. */
  shown: Call[] = [];
  private readonly waiting: Call[] = [];
  private since = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly limit: number,
    private readonly spoken: (eventId: number) => boolean,
    private readonly changed: () => void,
  ) {}

  start(initial: Call[]): void {
    this.shown = initial.slice(0, this.limit);
    this.changed();
  }

  add(call: Call): void {
    const i = this.waiting.findIndex((c) => c.ticketId === call.ticketId);
    if (i >= 0) this.waiting[i] = call;
    else this.waiting.push(call);
    this.advance();
  }

  /** A ticket that is no longer called (transferred to another number, cancelled) leaves the screen. */
  remove(ticketId: string): void {
    const wasNow = this.shown[0]?.ticketId === ticketId;
    this.shown = this.shown.filter((c) => c.ticketId !== ticketId);
    const w = this.waiting.findIndex((c) => c.ticketId === ticketId);
    if (w >= 0) this.waiting.splice(w, 1);
    // The slot does not fall back to an older call: that customer was already sent.
    if (wasNow) this.shown.unshift({ key: `gone-${ticketId}`, ticketId: '', number: '', serviceCode: '', counter: '', recall: false });
    this.since = 0;
    this.advance();
    this.changed();
  }

  clear(): void {
    this.shown = [];
    this.waiting.length = 0;
    this.changed();
  }

  /** Moves the next waiting call into the slot when the current one has had its time. */
  advance(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length === 0) return;
    const cur = this.shown[0];
    const heldFor = Date.now() - this.since;
    const done = !cur || !cur.ticketId || (heldFor >= MIN_HOLD_MS && (cur.eventId === undefined || this.spoken(cur.eventId)));
    if (!done) {
      // Checked again on each announcement change, and when the minimum time is up.
      this.timer = setTimeout(() => this.advance(), Math.max(50, MIN_HOLD_MS - heldFor));
      return;
    }
    const next = this.waiting.shift()!;
    this.shown = [next, ...this.shown.filter((c) => c.ticketId && c.ticketId !== next.ticketId)].slice(0, this.limit);
    this.since = Date.now();
    this.changed();
    if (this.waiting.length) this.advance();
  }
}

function Display() {
  const [settings, setSettings] = useState<Settings | undefined>();
  const [calls, setCalls] = useState<Call[]>([]);
  const [services, setServices] = useState<ServiceRow[]>([]);
  const [conn, setConn] = useState<StreamState>('connecting');
  const [, setTick] = useState(0);
  const [announcer, setAnnouncer] = useState<Announcer | undefined>();
  const boardRef = useRef<CallBoard | undefined>();

  useEffect(() => {
    let stream: { close(): void } | undefined;
    let refresh: ReturnType<typeof setTimeout> | undefined;
    let closed = false;

    const start = async () => {
      const s = await untilLoaded(() => api<Settings>('GET', '/api/display/settings', { token: null }));
      const q = await untilLoaded(() => api<QueueView>('GET', '/api/queue', { token: null }));
      if (closed) return;
      const limit = Number(params.get('calls')) || s.recentCalls;
      const langs = (params.get('langs') ?? s.voiceLanguages.join(',')).split(',').map((l) => l.trim()).filter(Boolean);
      const mode = (['auto', 'clips', 'speech', 'off'].includes(params.get('voice') ?? '') ? params.get('voice') : 'auto') as VoiceMode;
      const rate = Math.min(4, Math.max(0.5, Number(params.get('rate')) || 1));
      const voice = new Announcer(
        langs,
        mode,
        () => {
          setTick((n) => n + 1);
          boardRef.current?.advance();
        },
        rate,
      );
      voice.preload();
      const board = new CallBoard(limit, (eventId) => voice.log.filter((a) => a.eventId === eventId).every((a) => SPOKEN.has(a.state)), () => setCalls([...board.shown]));
      boardRef.current = board;
      setAnnouncer(voice);
      setSettings(s);
      setServices(q.services);
      // Server time minus ours, so "recent" is judged on the service's clock.
      const skew = Date.parse(q.at) - Date.now();
      const initial = q.counters
        .filter((c) => c.currentTicket?.calledAt && (c.currentTicket.status === 'called' || c.currentTicket.status === 'serving'))
        .sort((a, b) => Date.parse(b.currentTicket!.calledAt!) - Date.parse(a.currentTicket!.calledAt!))
        .map((c) => ({ key: `init-${c.currentTicket!.id}`, ticketId: c.currentTicket!.id, number: c.currentTicket!.number, serviceCode: c.currentTicket!.serviceCode, counter: c.id, recall: false }));
      board.start(initial);

      const reloadWaiting = () => {
        if (refresh) return;
        refresh = setTimeout(() => {
          refresh = undefined;
          api<QueueView>('GET', '/api/queue', { token: null })
            .then((v) => setServices(v.services))
            .catch(() => undefined);
        }, 300);
      };

      const onEvent = (e: StreamEvent) => {
        if (e.type === 'ticket.called' || e.type === 'ticket.recalled') {
          const t = e.data.ticket;
          const counter = e.data.counterId;
          const call: Call = { key: `e${e.id}`, eventId: e.id, ticketId: t.id, number: t.number, serviceCode: t.serviceCode, counter, recall: e.type === 'ticket.recalled' };
          if (Date.now() + skew - Date.parse(e.at) < ANNOUNCE_WITHIN_MS) {
            voice.announce({ eventId: e.id, kind: call.recall ? 'recall' : 'call', number: t.number, counter });
          } else call.eventId = undefined; // not announced: nothing to wait for
          board.add(call);
        } else if (e.type === 'ticket.transferred' || e.type === 'ticket.cancelled' || e.type === 'ticket.returned') {
          board.remove(e.data.ticket.id);
        } else if (e.type === 'day.closed') {
          board.clear();
        }
        if (/^(ticket|counter|day)\./.test(e.type)) reloadWaiting();
      };
      stream = openStream({ after: q.lastEventId, onEvent, onState: setConn });
    };
    void start();
    return () => {
      closed = true;
      stream?.close();
      if (refresh) clearTimeout(refresh);
    };
  }, []);

  const notice = params.get('notice') ?? settings?.notice ?? DEFAULT_NOTICE;
  const serviceName = useMemo(() => new Map(services.map((s) => [s.code, s.name])), [services]);
  const [first, ...older] = calls;
  // A placeholder left by a ticket that is no longer called: the slot shows the welcome.
  const newest = first?.ticketId ? first : undefined;

  if (!settings) return <div class="loading">正在连接 · Connecting…</div>;
  return (
    <div class="lobby">
      <header>
        <h1>
          {settings.branch.name.zh} <span class="en">{settings.branch.name.en}</span>
        </h1>
        <div class={`conn conn-${conn}`} data-testid="conn" title={conn}>
          {conn === 'online' ? '' : '连接中断，正在重连 · Reconnecting'}
        </div>
        {announcer?.needsGesture && (
          <button class="sound" data-testid="enable-sound" onClick={() => void announcer.enableSound()}>
            点击开启声音 · Click to enable sound
          </button>
        )}
        <Clock timeZone={settings.branch.timeZone} />
      </header>
      <main>
        <section class="now" aria-live="assertive">
          {newest ? (
            <div key={newest.key} class="now-call flash" data-testid="current-call">
              <div class="label">正在叫号 · Now calling{newest.recall ? ' (重呼 · again)' : ''}</div>
              <div class="number" data-testid="current-number">{newest.number}</div>
              <div class="to">
                请到 <b data-testid="current-counter">{newest.counter}</b> 号窗口 · Counter {newest.counter}
              </div>
              <div class="service">{serviceName.get(newest.serviceCode)?.zh} · {serviceName.get(newest.serviceCode)?.en}</div>
            </div>
          ) : (
            <div class="now-call idle">欢迎光临 · Welcome</div>
          )}
        </section>
        <section class="recent">
          <h2>最近叫号 · Recent calls</h2>
          <ol data-testid="recent-calls">
            {older.filter((c) => c.ticketId).map((c) => (
              <li key={c.key} data-number={c.number}>
                <span class="number">{c.number}</span>
                <span class="arrow">→</span>
                <span class="counter">{c.counter} 号窗口</span>
              </li>
            ))}
          </ol>
        </section>
      </main>
      <section class="waiting" data-testid="waiting">
        {services.map((s) => (
          <div class="svc" key={s.code} data-service={s.code}>
            <span class="name">
              {s.name.zh}
              <small>{s.name.en}</small>
            </span>
            <span class="count">{s.waiting}</span>
          </div>
        ))}
      </section>
      <footer class="ticker" data-testid="ticker">
        <div class="ticker-text">{notice}</div>
      </footer>
    </div>
  );
}

render(<Display />, document.getElementById('app')!);
