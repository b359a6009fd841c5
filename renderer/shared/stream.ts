/**
 * The pages' live feed: the /api/stream WebSocket, reconnecting by itself and resuming from
 * the last event id it saw, so a dropped connection loses no call and repeats none. A page with
 * a staff session offers its token as a subprotocol and gets the staff view of events; without
 * one it gets the public view. When the service no longer replays that far back (close code
 * 4410, e.g. after a night offline) the page starts again from a fresh snapshot.
 */
import type { BranchEvent } from '../../core/events.js';
import { getToken } from './api.js';

/** Close codes the service uses (server/http/stream.ts). */
const CLOSE_REPLAY_TOO_OLD = 4410;

/**
 * An event as the stream sends it: the one definition in core/events.ts. Imported as a type
 * only, so none of zod reaches the page bundles; narrowing on `type` types `data`. Connections
 * without a staff session get the public view of each event, which leaves staff-only fields out.
 */
export type StreamEvent = BranchEvent;

export type StreamState = 'connecting' | 'online' | 'offline';

export interface StreamOptions {
  /** Start after this event id (e.g. GET /api/queue's lastEventId); omit for live events only. */
  after?: number;
  onEvent: (e: StreamEvent) => void;
  onState?: (s: StreamState) => void;
  /** Where to connect; defaults to this page's host. */
  url?: string;
  /**
   * The service cannot replay from the last event seen: reload the page's state. Default:
   * reload the page, which fetches a fresh snapshot.
   */
  onResync?: () => void;
}

export interface StreamHandle {
  lastId(): number;
  close(): void;
}

export function openStream(opts: StreamOptions): StreamHandle {
  let last = opts.after ?? -1;
  let ws: WebSocket | undefined;
  let closed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const base = opts.url ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/stream`;

  const connect = () => {
    if (closed) return;
    opts.onState?.('connecting');
    const token = getToken();
    const protocols = token ? ['branch-queue', `bearer.${token}`] : ['branch-queue'];
    ws = new WebSocket(last >= 0 ? `${base}?after=${last}` : base, protocols);
    ws.onopen = () => {
      attempt = 0;
      opts.onState?.('online');
    };
    ws.onmessage = (m) => {
      let e: StreamEvent;
      try {
        // The service's own events, checked against their schemas before they were stored.
        e = JSON.parse(String(m.data)) as StreamEvent;
      } catch {
        return;
      }
      if (typeof e.id !== 'number' || e.id <= last) return; // already seen
      last = e.id;
      opts.onEvent(e);
    };
    ws.onclose = (ev) => {
      if (closed) return;
      if (ev.code === CLOSE_REPLAY_TOO_OLD) {
        // Resume live from now; the page reloads what it shows.
        last = -1;
        if (opts.onResync) opts.onResync();
        else {
          location.reload();
          return;
        }
      }
      opts.onState?.('offline');
      // Until the first event arrives, resume from "now" is unknown; ask the log from the start of our view.
      const delay = Math.min(5000, 200 * 2 ** attempt++) * (0.5 + Math.random() / 2);
      timer = setTimeout(connect, delay);
    };
    ws.onerror = () => ws?.close();
  };
  connect();

  return {
    lastId: () => last,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      ws?.close();
    },
  };
}
