/**
 * Tells a keyboard-wedge card swipe from a person typing.
 *
 * A wedge reader "types" the track data into whatever has focus: it starts with a sentinel
 * (`%` track 1, `;` track 2), arrives far faster than anyone types (a few ms per key), and ends
 * with `?` and Enter. The kiosk page feeds every key with its timestamp; while a possible swipe
 * is in progress the detector holds the keys back, so track data never lands in a text field,
 * and hands them back if it turns out to be typing.
 *
 * Pure and free of Node imports: it runs in the kiosk page. Time comes in as an argument, so
 * it is deterministic under test.
 */
import { parseSwipe, type TrackParse } from './track-data.js';

export interface WedgeOptions {
  /** Longest pause between two keys of one swipe. Wedge readers type at 1–30 ms a key. */
  maxKeyGapMs?: number;
  /** Fewest characters (sentinels included) a swipe has; shorter bursts are typing. */
  minChars?: number;
  /** Longest swipe kept before giving up (three full tracks are under 250 characters). */
  maxChars?: number;
}

export type WedgeOutcome =
  /** An ordinary key: let it through. */
  | { type: 'pass' }
  /** Possibly part of a swipe: suppress it for now. */
  | { type: 'hold' }
  /** It was typing after all: deliver these keys (the held ones, then the current key) in order. */
  | { type: 'release'; keys: string[] }
  /** A complete swipe. `result.ok` false means a misread: ask the customer to swipe again. */
  | { type: 'swipe'; result: TrackParse };

/** Keys a reader (or a person) presses alongside characters; they neither start nor end anything. */
const IGNORED = new Set(['Shift', 'CapsLock']);

export class WedgeDetector {
  private readonly maxGap: number;
  private readonly minChars: number;
  private readonly maxChars: number;
  private held: string[] = [];
  private lastMs = 0;

  constructor(options: WedgeOptions = {}) {
    this.maxGap = options.maxKeyGapMs ?? 50;
    this.minChars = options.minChars ?? 10;
    this.maxChars = options.maxChars ?? 300;
  }

  /** True while keys are being held back as a possible swipe. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** Feed one key (a KeyboardEvent.key value) and the time it arrived, in milliseconds. */
  push(key: string, timeMs: number): WedgeOutcome {
    if (IGNORED.has(key)) return this.holding ? { type: 'hold' } : { type: 'pass' };

    if (!this.holding) {
      if (key === '%' || key === ';') {
        this.held = [key];
        this.lastMs = timeMs;
        return { type: 'hold' };
      }
      return { type: 'pass' };
    }

    const gap = timeMs - this.lastMs;
    this.lastMs = timeMs;
    if (gap > this.maxGap || gap < 0) return this.release(key);

    if (key === 'Enter') {
      const text = this.held.join('');
      if (text.length >= this.minChars && /\?.?$/.test(text)) {
        this.held = [];
        return { type: 'swipe', result: parseSwipe(text) };
      }
      return this.release(key);
    }
    if (key.length !== 1) return this.release(key); // Backspace, arrows…: a person
    this.held.push(key);
    if (this.held.length > this.maxChars) return this.release();
    return { type: 'hold' };
  }

  /**
   * Call from a timer: when nothing has arrived for longer than a swipe's key gap, whatever is
   * held was typing (or a broken swipe) and goes back to the page.
   */
  flush(nowMs: number): WedgeOutcome {
    if (this.holding && nowMs - this.lastMs > this.maxGap) return this.release();
    return this.holding ? { type: 'hold' } : { type: 'pass' };
  }

  reset(): void {
    this.held = [];
  }

  private release(current?: string): WedgeOutcome {
    const keys = current === undefined ? this.held : [...this.held, current];
    this.held = [];
    return { type: 'release', keys };
  }
}
