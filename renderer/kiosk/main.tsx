/**
 * The lobby kiosk (/kiosk): choose a service by touch, optionally ask for priority help or swipe
 * a bank card, get a printed ticket, and see the number, people ahead, the wait range and a QR
 * code on screen (the ticket itself when printing failed). Returns to the start screen by itself.
 */
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, act, ApiError, newIdempotencyKey } from '../shared/api.js';
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
  unavailableReason?: 'closed' | 'capped';
  estimate: { minMinutes: number; maxMinutes: number } | null;
  selfService: Localized[];
}

interface Issued {
  id: string;
  number: string;
  serviceCode: string;
  segment: string;
  ahead: number;
  estimate: { minMinutes: number; maxMinutes: number } | null;
  print?: { status: 'printed' | 'failed' | 'skipped'; reason?: string };
}

type Screen = { kind: 'start' } | { kind: 'issuing'; service: ServiceView } | { kind: 'done'; ticket: Issued; service: ServiceView; qr: string } | { kind: 'error'; message: string };

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

function Tile(props: { s: ServiceView; t: Words; lang: Lang; onPick: (s: ServiceView) => void }) {
  const { s, t, lang } = props;
  const reason = !s.available ? (s.unavailableReason === 'capped' ? t.capped : s.unavailableReason === 'closed' ? t.closed : t.unavailable) : undefined;
  const hintId = `hint-${s.code}`;
  return (
    <button class="tile" disabled={!s.available} aria-describedby={hintId} onClick={() => props.onPick(s)} data-service={s.code}>
      <img class="tile-icon" src={iconUrl(s.icon)} alt="" aria-hidden="true" />
      <span class="tile-name">{name(s.name, lang)}</span>
      <span class="tile-other" lang={lang === 'zh' ? 'en' : 'zh-CN'}>
        {other(s.name, lang)}
      </span>
      <span class="tile-meta" id={hintId}>
        {reason ? (
          <strong class="tile-reason">{reason}</strong>
        ) : (
          <>
            {t.waiting(s.waiting)} · {s.estimate ? t.range(s.estimate.minMinutes, s.estimate.maxMinutes) : t.noEstimate}
          </>
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
        <p class="result-wait" data-testid="ticket-range" data-min={ticket.estimate?.minMinutes} data-max={ticket.estimate?.maxMinutes}>
          {ticket.estimate ? t.wait(ticket.estimate.minMinutes, ticket.estimate.maxMinutes) : t.noEstimate}
        </p>
        {!failed && <p class="result-print">{ticket.print?.status === 'printed' ? t.printed : t.printSkipped}</p>}
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
  const [services, setServices] = useState<ServiceView[] | null>(null);
  const [branch, setBranch] = useState<Localized | null>(null);
  const [screen, setScreen] = useState<Screen>({ kind: 'start' });
  const [lastTouch, setLastTouch] = useState(() => Date.now());
  const [conn, setConn] = useState<StreamState>('connecting');
  const t = TEXT[lang];

  const loadServices = useCallback(() => {
    api<ServiceView[]>('GET', '/api/services').then(setServices, () => setTimeout(loadServices, 2000));
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
    api<{ branch: { name: Localized } }>('GET', '/api/config').then((c) => setBranch(c.branch.name), () => undefined);
    api<{ ticketBaseUrl: string }>('GET', '/api/kiosk/settings').then((k) => (ticketBase = k.ticketBaseUrl), () => undefined);
    const refresh = setInterval(loadServices, 15_000);
    return () => clearInterval(refresh);
  }, [loadServices]);

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
          stream = openStream({
            after: h.lastEventId,
            // The live connection is how the kiosk knows the branch service is there: without
            // it, tapping a service could not give a ticket, so the page says so instead.
            onState: (s) => {
              // 'connecting' after a drop is still offline until the socket opens.
              if (s === 'connecting') return;
              setConn(s);
              if (s === 'online') loadServices();
            },
            onEvent: (e) => {
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
      const ticket = await act<Issued>('POST', '/api/tickets', { body, idempotencyKey: newIdempotencyKey(), headers: kioskKeyHeader() });
      const qr = await qrDataUrl(`${ticketBase.replace(/\/+$/, '')}/t/${encodeURIComponent(ticket.id)}`);
      setCard(null);
      setPriority(false);
      setLastTouch(Date.now());
      setScreen({ kind: 'done', ticket, service: s, qr });
    } catch (e) {
      setLastTouch(Date.now());
      setScreen({ kind: 'error', message: (e instanceof ApiError ? t.refused[e.code] : undefined) ?? (e as Error).message });
      loadServices();
    }
  };

  return (
    <div class="kiosk">
      <header class="bar">
        <h1 class="branch">{branch ? name(branch, lang) : ''}</h1>
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
            <div class="status-row">
              <button class={`help${priority ? ' on' : ''}`} aria-pressed={priority} onClick={() => setPriority(!priority)} data-testid="priority-toggle">
                <img src="/static/icons/priority.svg" alt="" aria-hidden="true" />
                <span>
                  <strong>{priority ? t.helpCancel : t.help}</strong>
                  <small>{t.helpHint}</small>
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
            {priority && (
              <p class="notice" role="status">
                {t.helpOn}
              </p>
            )}
            {services === null || conn === 'offline' ? (
              <p class="notice" role="status" data-testid="kiosk-offline">
                {t.offline}
              </p>
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
          <section class="result" role="alert">
            <h2>{t.error}</h2>
            <p>{screen.message}</p>
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
