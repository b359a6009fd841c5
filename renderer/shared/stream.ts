/**
 * The pages' live feed: the /api/stream WebSocket, reconnecting by itself and resuming from
 * the last event id it saw, so a dropped connection loses no call and repeats none.
 */
import type { BranchEvent } from '../../core/events.js';

/**
 * An event as the stream sends it: the one definition in core/events.ts. Imported as a type
 * only, so none of zod reaches the page bundles; narrowing on `type` types `data`.
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
    ws = new WebSocket(last >= 0 ? `${base}?after=${last}` : base);
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
    ws.onclose = () => {
      if (closed) return;
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
