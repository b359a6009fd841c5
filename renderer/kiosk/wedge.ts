/**
 * Keyboard-wedge card readers type track data into the page. Every key goes through the
 * WedgeDetector first; keys that may be part of a swipe are swallowed, so track data never
 * reaches anything on the page. A complete swipe's card number is posted to the branch service
 * at once and dropped: the page keeps only the token, masked tail and segment it gets back.
 */
import { WedgeDetector } from '../../drivers/cardreader/wedge-detector.js';
import { api } from '../shared/api.js';

export interface CardGrant {
  identityToken: string;
  maskedTail: string;
  segment: string;
  expiresAt: string;
}

export type WedgeResult = { ok: true; grant: CardGrant } | { ok: false; reason: 'misread' | 'service' };

export function listenForWedgeSwipes(onResult: (r: WedgeResult) => void): () => void {
  const detector = new WedgeDetector();
  const onKey = (e: KeyboardEvent) => {
    const out = detector.push(e.key, e.timeStamp);
    if (out.type === 'hold' || out.type === 'swipe') {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
    if (out.type !== 'swipe') return;
    if (!out.result.ok) {
      onResult({ ok: false, reason: 'misread' });
      return;
    }
    // The number leaves this function only inside the request body.
    api<CardGrant>('POST', '/api/kiosk/identity', { body: { pan: out.result.pan } }).then(
      (grant) => onResult({ ok: true, grant }),
      () => onResult({ ok: false, reason: 'service' }),
    );
  };
  // A swipe that stops half-way gives its keys back (they were typing) after the key gap.
  const timer = setInterval(() => detector.flush(performance.now()), 200);
  window.addEventListener('keydown', onKey, { capture: true });
  return () => {
    clearInterval(timer);
    window.removeEventListener('keydown', onKey, { capture: true });
    detector.reset();
  };
}
