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
import { useEffect, useMemo, useState } from 'preact/hooks';
import '../shared/base.css';
import './display.css';
import { api } from '../shared/api.js';
import { openStream, type StreamEvent, type StreamState } from '../shared/stream.js';
import { Announcer, type VoiceMode } from './announcer.js';

interface Call {
  key: string;
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
const DEFAULT_NOTICE = '请留意叫号，过号请到大堂咨询台 · Please listen for your number; if you missed it, ask at the lobby desk';

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

function Display() {
  const [settings, setSettings] = useState<Settings | undefined>();
  const [calls, setCalls] = useState<Call[]>([]);
  const [services, setServices] = useState<ServiceRow[]>([]);
  const [conn, setConn] = useState<StreamState>('connecting');
  const [, setTick] = useState(0);
  const [announcer, setAnnouncer] = useState<Announcer | undefined>();

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
      const voice = new Announcer(langs, mode, () => setTick((n) => n + 1), rate);
      voice.preload();
      setAnnouncer(voice);
      setSettings(s);
      setServices(q.services);
      // Server time minus ours, so "recent" is judged on the service's clock.
      const skew = Date.parse(q.at) - Date.now();
      const initial = q.counters
        .filter((c) => c.currentTicket?.calledAt && (c.currentTicket.status === 'called' || c.currentTicket.status === 'serving'))
        .sort((a, b) => Date.parse(b.currentTicket!.calledAt!) - Date.parse(a.currentTicket!.calledAt!))
        .map((c) => ({ key: `init-${c.currentTicket!.id}`, ticketId: c.currentTicket!.id, number: c.currentTicket!.number, serviceCode: c.currentTicket!.serviceCode, counter: c.id, recall: false }));
      setCalls(initial.slice(0, limit));

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
          const call: Call = { key: `e${e.id}`, ticketId: t.id, number: t.number, serviceCode: t.serviceCode, counter, recall: e.type === 'ticket.recalled' };
          setCalls((prev) => [call, ...prev.filter((c) => c.ticketId !== t.id)].slice(0, limit));
          if (Date.now() + skew - Date.parse(e.at) < ANNOUNCE_WITHIN_MS) {
            voice.announce({ eventId: e.id, kind: call.recall ? 'recall' : 'call', number: t.number, counter });
          }
        } else if (e.type === 'day.closed') {
          setCalls([]);
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
  const [newest, ...older] = calls;

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
            {older.map((c) => (
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
      {announcer?.needsGesture && (
        <button class="sound" onClick={() => void announcer.enableSound()}>
          点击开启声音 · Click to enable sound
        </button>
      )}
    </div>
  );
}

render(<Display />, document.getElementById('app')!);
