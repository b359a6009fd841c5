/**
 * The lobby kiosk (/kiosk): choose a service by touch, optionally ask for priority help or swipe
 * a bank card, get a printed ticket, and see the number, people ahead, the wait range and a QR
 * code on screen (the ticket itself when printing failed). Returns to the start screen by itself.
 */
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { MISSED_NUMBER } from '../../common/customer-text.js';
import { api, act, newIdempotencyKey } from '../shared/api.js';
import { errorText } from '../shared/error-text.js';
import { openStream, type StreamState } from '../shared/stream.js';
import '../shared/base.css';
import './kiosk.css';
import { adoptKioskKeyFromAddress, kioskKeyHeader } from './kiosk-key.js';
import { readOptions } from './options.js';
import { qrDataUrl } from './qr.js';
import { TEXT, type Lang, type Words } from './text.js';
import { listenForWedgeSwipes, type CardGrant } from './wedge.js';

interface Localized {
  zh: string;
  en: string;
}

interface ServiceView {
  code: string;
  prefix: string;
  name: Localized;
  icon?: string;
  waiting: number;
  available: boolean;
  unavailableReason?: 'closed' | 'capped' | 'branch_closed';
  /** Whether a counter that serves it is open now; without one no wait is quoted. */
  servedNow: boolean;
  estimate: { minMinutes: number; maxMinutes: number } | null;
  selfService: Localized[];
}

/** GET /api/kiosk/status: the whole start screen in one answer. */
interface KioskStatus {
  branch: { name: Localized; open: boolean; closesAt?: string; next?: { date: string; time: string; inDays: number } };
  notice: string | null;
  printer: { state: string };
  services: ServiceView[];
}

// A customer waits at the screen: after this long without an answer the kiosk says so.
const ISSUE_DEADLINE_MS = 8_000;
const ATTEMPT_TIMEOUT_MS = 4_000;
// Printer states in which a ticket will not come out (near end still prints).
const PRINTER_DOWN = new Set(['offline', 'paper_end', 'cover_open', 'cutter_error', 'error', 'none']);

interface Issued {
  id: string;
  number: string;
  serviceCode: string;
  segment: string;
  ahead: number;
  estimate: { minMinutes: number; maxMinutes: number } | null;
  /** false: no counter serves the service yet, so no wait is quoted. */
  servedNow?: boolean;
  print?: { status: 'printed' | 'failed' | 'skipped'; reason?: string };
}

type Screen = { kind: 'start' } | { kind: 'issuing'; service: ServiceView } | { kind: 'done'; ticket: Issued; service: ServiceView; qr: string } | { kind: 'error'; error: unknown };

const ICONS = new Set(['cash', 'transfer', 'wealth', 'loan', 'card', 'info', 'corporate', 'fx']);
const opts = readOptions(location.search);
// Phones reach the branch through the configured public address, not the kiosk's own URL.
let ticketBase = location.origin;

function iconUrl(icon: string | undefined): string {
  return `/static/icons/${icon && ICONS.has(icon) ? icon : 'service'}.svg`;
}

function name(l: Localized, lang: Lang): string {
  return lang === 'zh' ? l.zh : l.en;
}

function other(l: Localized, lang: Lang): string {
  return lang === 'zh' ? l.en : l.zh;
}

function unavailableText(s: ServiceView, t: Words): string | undefined {
  if (s.available) return undefined;
  switch (s.unavailableReason) {
    case 'branch_closed':
      return t.closedTile;
    case 'capped':
      return t.capped;
    case 'closed':
      return t.closed;
    default:
      return t.unavailable;
  }
}

function Tile(props: { s: ServiceView; t: Words; lang: Lang; onPick: (s: ServiceView) => void }) {
  const { s, t, lang } = props;
  const reason = unavailableText(s, t);
  const hintId = `hint-${s.code}`;
  return (
    <button class="tile" disabled={reason !== undefined} aria-describedby={hintId} onClick={() => props.onPick(s)} data-service={s.code} data-served-now={String(s.servedNow)}>
      <img class="tile-icon" src={iconUrl(s.icon)} alt="" aria-hidden="true" />
      <span class="tile-name">{name(s.name, lang)}</span>
      <span class="tile-other" lang={lang === 'zh' ? 'en' : 'zh-CN'}>
        {other(s.name, lang)}
      </span>
      <span class="tile-meta" id={hintId}>
        {reason ? (
          <strong class="tile-reason">{reason}</strong>
        ) : (
          <span class="tile-line">
            {t.waiting(s.waiting)} ·{' '}
            {!s.servedNow ? <strong class="tile-nocounter">{t.noCounter}</strong> : s.estimate ? t.range(s.estimate.minMinutes, s.estimate.maxMinutes) : t.noEstimate}
          </span>
        )}
        {s.selfService.length > 0 && (
          <span class="tile-self">
            {t.selfService}
            {s.selfService.map((x) => name(x, lang)).join('；')}
          </span>
        )}
      </span>
    </button>
  );
}

function Result(props: { screen: Extract<Screen, { kind: 'done' }>; t: Words; lang: Lang; onDone: () => void }) {
  const { ticket, service, qr } = props.screen;
  const { t, lang } = props;
  const failed = ticket.print?.status === 'failed';
  const doneRef = useRef<HTMLButtonElement>(null);
  useEffect(() => doneRef.current?.focus(), []);
  return (
    <section class={`result${failed ? ' on-screen-ticket' : ''}`} aria-labelledby="result-title" data-testid="result">
      <h2 id="result-title" class="visually-hidden">
        {t.yourNumber}
      </h2>
      {failed && (
        <p class="print-failed" role="alert" data-testid="print-failed">
          {t.printFailed}
        </p>
      )}
      <div class="result-main" aria-live="polite" aria-atomic="true">
        <p class="result-label">{t.yourNumber}</p>
        <p class="result-number" data-testid="ticket-number">
          {ticket.number}
        </p>
        <p class="result-service">
          {name(service.name, lang)} · {other(service.name, lang)}
        </p>
        {ticket.segment !== 'regular' && ticket.segment === 'priority' && <p class="badge">{t.priorityBadge}</p>}
        {ticket.segment.startsWith('vip') && <p class="badge">{t.vip}</p>}
        <p class="result-ahead" data-testid="ticket-ahead" data-ahead={ticket.ahead}>
          {t.ahead(ticket.ahead)}
        </p>
        <p class="result-wait" data-testid="ticket-range" data-min={ticket.servedNow === false ? undefined : ticket.estimate?.minMinutes} data-max={ticket.servedNow === false ? undefined : ticket.estimate?.maxMinutes}>
          {ticket.servedNow === false ? t.resultNoCounter : ticket.estimate ? t.wait(ticket.estimate.minMinutes, ticket.estimate.maxMinutes) : t.noEstimate}
        </p>
        {!failed && <p class="result-print">{ticket.print?.status === 'printed' ? t.printed : t.printSkipped}</p>}
        <p class="result-missed">{MISSED_NUMBER[lang]}</p>
      </div>
      <figure class="result-qr">
        <img src={qr} alt={t.scan} data-testid="ticket-qr" />
        <figcaption>{t.scan}</figcaption>
      </figure>
      <button ref={doneRef} class="big-button" onClick={props.onDone}>
        {t.done}
      </button>
    </section>
  );
}

function Kiosk() {
  const [lang, setLang] = useState<Lang>(opts.lang);
  const [large, setLarge] = useState(opts.large);
  const [priority, setPriority] = useState(false);
  const [card, setCard] = useState<CardGrant | null>(null);
  const [cardNote, setCardNote] = useState<'misread' | 'service' | null>(null);
  const [status, setStatus] = useState<KioskStatus | null>(null);
  // The service stopped answering: the start screen says so instead of letting a customer tap.
  const [offline, setOffline] = useState(false);
  const [screen, setScreen] = useState<Screen>({ kind: 'start' });
  const [lastTouch, setLastTouch] = useState(() => Date.now());
  const [conn, setConn] = useState<StreamState>('connecting');
  const t = TEXT[lang];
  const services = status?.services ?? null;
  const branch = status?.branch.name ?? null;
  // The service does not answer (its status, or the live connection): no tile can give a ticket.
  const away = offline || conn === 'offline';

  const loadServices = useCallback(() => {
    api<KioskStatus>('GET', '/api/kiosk/status', { timeoutMs: ATTEMPT_TIMEOUT_MS }).then(
      (s) => {
        setStatus(s);
        setOffline(false);
      },
      () => setOffline(true),
    );
  }, []);

  const reset = useCallback(() => {
    setScreen({ kind: 'start' });
    setPriority(false);
    setCard(null);
    setCardNote(null);
    setLang(opts.lang);
    setLarge(opts.large);
    loadServices();
  }, [loadServices]);

  useEffect(() => {
    loadServices();
    api<{ ticketBaseUrl: string }>('GET', '/api/kiosk/settings').then((k) => (ticketBase = k.ticketBaseUrl), () => undefined);
    // Offline, ask again soon: the customer should not wait long for the screen to come back.
    const refresh = setInterval(loadServices, offline ? 3_000 : 15_000);
    return () => clearInterval(refresh);
  }, [loadServices, offline]);

  // Hardware card readers: the stream says a card was read; the kiosk claims it (the service
  // answers only the kiosk's own address) and gets a token, never the number.
  useEffect(() => {
    let stream: ReturnType<typeof openStream> | undefined;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    const connect = () =>
      api<{ lastEventId: number }>('GET', '/api/health').then(
        (h) => {
          if (closed) return;
          attempt = 0;
          stream = openStream({
            after: h.lastEventId,
            // The live connection is how the kiosk knows the branch service is there: without
            // it, tapping a service could not give a ticket, so the page says so instead.
            onState: (st) => {
              // 'connecting' after a drop is still offline until the socket opens.
              if (st === 'connecting') return;
              setConn(st);
              if (st === 'online') loadServices();
            },
            onEvent: (e) => {
              // What the start screen shows changes: a counter opens, the printer runs out, new settings.
              if (/^(counter\.|device\.status|config\.applied|day\.closed)/.test(e.type)) loadServices();
              if (e.type !== 'device.card_read') return;
              api<CardGrant | null>('POST', '/api/kiosk/card-read').then(
                (d) => {
                  if (!d) return;
                  setCard({ identityToken: d.identityToken, maskedTail: d.maskedTail, segment: d.segment, expiresAt: d.expiresAt });
                  setCardNote(null);
                  setLastTouch(Date.now());
                },
                () => undefined,
              );
            },
          });
        },
        () => {
          setConn('offline');
          if (!closed) retry = setTimeout(connect, Math.min(5000, 500 * 2 ** attempt++));
        },
      );
    void connect();
    return () => {
      closed = true;
      if (retry) clearTimeout(retry);
      stream?.close();
    };
  }, [loadServices]);

  useEffect(
    () =>
      listenForWedgeSwipes((r) => {
        setLastTouch(Date.now());
        if (r.ok) {
          setCard(r.grant);
          setCardNote(null);
        } else setCardNote(r.reason);
      }),
    [],
  );

  // Any touch or key counts as someone being there.
  useEffect(() => {
    const touch = () => setLastTouch(Date.now());
    window.addEventListener('pointerdown', touch, { capture: true });
    window.addEventListener('keydown', touch, { capture: true });
    return () => {
      window.removeEventListener('pointerdown', touch, { capture: true });
      window.removeEventListener('keydown', touch, { capture: true });
    };
  }, []);

  const dirty = screen.kind !== 'start' || priority || card !== null || cardNote !== null || lang !== opts.lang || large !== opts.large;
  useEffect(() => {
    if (!dirty || screen.kind === 'issuing') return;
    const timer = setTimeout(reset, Math.max(0, lastTouch + opts.idleMs - Date.now()));
    return () => clearTimeout(timer);
  }, [dirty, lastTouch, screen.kind, reset]);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.documentElement.classList.toggle('large', large);
  }, [lang, large]);

  const pick = async (s: ServiceView) => {
    setScreen({ kind: 'issuing', service: s });
    const body: Record<string, unknown> = { serviceCode: s.code, channel: 'kiosk', print: true };
    if (priority) body.segment = 'priority';
    if (card && Date.parse(card.expiresAt) > Date.now()) body.identityToken = card.identityToken;
    try {
      const ticket = await act<Issued>('POST', '/api/tickets', { body, idempotencyKey: newIdempotencyKey(), deadlineMs: ISSUE_DEADLINE_MS, timeoutMs: ATTEMPT_TIMEOUT_MS, headers: kioskKeyHeader() });
      const qr = await qrDataUrl(`${ticketBase.replace(/\/+$/, '')}/t/${encodeURIComponent(ticket.id)}`);
      setCard(null);
      setPriority(false);
      setLastTouch(Date.now());
      setScreen({ kind: 'done', ticket, service: s, qr });
    } catch (e) {
      setLastTouch(Date.now());
      setScreen({ kind: 'error', error: e });
      loadServices();
    }
  };

  return (
    <div class="kiosk">
      <header class="bar">
        <h1 class="branch">
          {branch ? name(branch, lang) : ''}
          {status?.branch.open && status.branch.closesAt && <small class="hours">{t.closesAt(status.branch.closesAt)}</small>}
        </h1>
        <div class="bar-actions">
          <button class="chip" lang={lang === 'zh' ? 'en' : 'zh-CN'} aria-label={t.langToggleLabel} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-testid="lang-toggle">
            {t.langToggle}
          </button>
          {/* Named by its visible text (voice control users say what they see); the longer wording describes it. */}
          <button class="chip" aria-pressed={large} aria-describedby="large-hint" onClick={() => setLarge(!large)} data-testid="large-toggle">
            {t.large}
          </button>
          <span id="large-hint" class="visually-hidden">
            {t.largeLabel}
          </span>
        </div>
      </header>
      <main class="body">
        {screen.kind === 'start' && (
          <>
            <p class="welcome">{t.welcome}</p>
            {status && !status.branch.open && (
              <div class="banner closed" role="status" data-testid="branch-closed">
                <strong>{t.closedTitle}</strong>
                {status.branch.next && <span data-testid="opens-at">{t.opensAt(t.when(status.branch.next))}</span>}
              </div>
            )}
            {status && status.branch.open && PRINTER_DOWN.has(status.printer.state) && (
              <p class="banner warn" role="status" data-testid="printer-warning">
                {status.printer.state === 'none' ? t.noPrinter : t.printerDown}
              </p>
            )}
            {status?.notice && (
              <p class="banner info" data-testid="kiosk-notice">
                {status.notice}
              </p>
            )}
            <div class="status-row">
              <button class={`help${priority ? ' on' : ''}`} aria-pressed={priority} onClick={() => setPriority(!priority)} data-testid="priority-toggle">
                <img src="/static/icons/priority.svg" alt="" aria-hidden="true" />
                <span>
                  <strong>{priority ? t.helpOnLabel : t.help}</strong>
                  <small>{priority ? t.helpOnHint : t.helpHint}</small>
                </span>
              </button>
              <p class="card-status" data-testid="card-status" aria-live="polite">
                {card ? (
                  <>
                    {t.cardRead(card.maskedTail)}
                    {card.segment.startsWith('vip') && <strong class="badge"> {t.vip}</strong>}
                  </>
                ) : cardNote === 'misread' ? (
                  t.cardMisread
                ) : cardNote === 'service' ? (
                  t.cardFailed
                ) : (
                  t.swipeHint
                )}
              </p>
            </div>
            {/* The button itself shows the choice; this tells a screen reader what it means. */}
            <p class="visually-hidden" role="status">
              {priority ? t.helpOn : ''}
            </p>
            {services === null || away ? (
              <div class="notice" role="status">
                <p data-testid="kiosk-offline">{t.offline}</p>
                {away && (
                  <p data-testid="kiosk-unreachable">
                    {t.unreachable}
                    <br />
                    <span class="banner-other" lang={lang === 'zh' ? 'en' : 'zh-CN'}>
                      {TEXT[lang === 'zh' ? 'en' : 'zh'].unreachable}
                    </span>
                  </p>
                )}
              </div>
            ) : (
              <div class="tiles" role="group" aria-label={t.welcome}>
                {services.map((s) => (
                  <Tile key={s.code} s={s} t={t} lang={lang} onPick={(x) => void pick(x)} />
                ))}
              </div>
            )}
          </>
        )}
        {screen.kind === 'issuing' && (
          <p class="notice" role="status" aria-live="polite">
            {t.issuing}
          </p>
        )}
        {screen.kind === 'done' && <Result screen={screen} t={t} lang={lang} onDone={reset} />}
        {screen.kind === 'error' && (
          <section class="result" role="alert" data-testid="issue-error">
            <h2>{t.error}</h2>
            <p class="error-text">{errorText(screen.error, { customer: true })[lang]}</p>
            <p class="error-other" lang={lang === 'zh' ? 'en' : 'zh-CN'}>
              {errorText(screen.error, { customer: true })[lang === 'zh' ? 'en' : 'zh']}
            </p>
            <button class="big-button" onClick={reset}>
              {t.again}
            </button>
          </section>
        )}
      </main>
    </div>
  );
}

adoptKioskKeyFromAddress();
render(<Kiosk />, document.getElementById('app')!);
