/**
 * What the teller sees of the customer's rating after a service: that the counter's evaluator
 * is asking (with the seconds left), then what came (the score, the channel, reasons of a low
 * one), or that the request timed out. Reloaded when the counter completes a service, a rating
 * arrives or the next service starts; the countdown runs locally.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../shared/api.js';
import type { StreamEvent } from '../shared/stream.js';

interface RequestView {
  seq: number;
  ticketId: string;
  number: string;
  state: 'waiting' | 'rated' | 'expired' | 'ended';
  expiresInSeconds: number;
  rating: { score: number; levels: number; channel: 'pad' | 'tablet' | 'mobile'; reasons: string[] } | null;
}

const CHANNEL: Record<string, string> = { pad: '评价器 · pad', tablet: '平板 · tablet', mobile: '手机 · phone' };

/** Whether an event may change this counter's rating request. */
export function changesRating(e: StreamEvent, counterId: string): boolean {
  if (e.type === 'feedback.rated') return e.data.rating.counterId === counterId;
  return (e.type === 'ticket.completed' || e.type === 'ticket.started' || e.type === 'counter.closed') && e.data.counterId === counterId;
}

export function RatingStatus({ counterId, changed }: { counterId: string; changed: number }) {
  const [r, setR] = useState<RequestView | null>(null);
  const [left, setLeft] = useState(0);
  useEffect(() => {
    let alive = true;
    api<{ request: RequestView | null }>('GET', `/api/counters/${encodeURIComponent(counterId)}/rating`).then(
      (v) => {
        if (!alive) return;
        setR(v.request);
        setLeft(v.request?.expiresInSeconds ?? 0);
      },
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [counterId, changed]);
  useEffect(() => {
    const t = setInterval(() => setLeft((n) => Math.max(0, n - 1)), 1000);
    return () => clearInterval(t);
  }, []);
  if (!r || r.state === 'ended') return null;
  let text: string;
  if (r.rating) {
    const stars = '★'.repeat(r.rating.score) + '☆'.repeat(5 - r.rating.score);
    const reasons = r.rating.reasons.length ? ` (${r.rating.reasons.join(', ')})` : '';
    text = `${r.number} 客户评价 · Rated ${stars} ${r.rating.score}/5 via ${CHANNEL[r.rating.channel] ?? r.rating.channel}${reasons}`;
  } else if (r.state === 'waiting' && left > 0) {
    text = `${r.number} 等待客户评价 · Waiting for the customer's rating (${left} s)`;
  } else {
    text = `${r.number} 客户未评价（已超时）· No rating (timed out)`;
  }
  return (
    <div class={`rating-status ${r.rating ? (r.rating.score <= 2 ? 'low' : 'rated') : r.state}`} data-testid="rating-status" role="status">
      {text}
    </div>
  );
}
