/**
 * The hidden staff gesture on the kiosk: a number of taps in one corner of the screen within a
 * short time. Runs in the kiosk window's preload, so the page itself knows nothing of it. A
 * customer who stumbles on it only meets a PIN prompt that closes by itself.
 */
export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

export interface CornerTapOptions {
  corner: Corner;
  /** Size of the square hot spot in CSS pixels. */
  sizePx: number;
  taps: number;
  withinMs: number;
}

export const DEFAULT_CORNER_TAPS: CornerTapOptions = { corner: 'top-left', sizePx: 80, taps: 5, withinMs: 4_000 };

export class CornerTaps {
  private times: number[] = [];

  constructor(private readonly o: CornerTapOptions = DEFAULT_CORNER_TAPS) {}

  inCorner(x: number, y: number, width: number, height: number): boolean {
    const s = this.o.sizePx;
    const left = x <= s;
    const right = x >= width - s;
    const top = y <= s;
    const bottom = y >= height - s;
    switch (this.o.corner) {
      case 'top-left':
        return top && left;
      case 'top-right':
        return top && right;
      case 'bottom-left':
        return bottom && left;
      case 'bottom-right':
        return bottom && right;
    }
  }

  /** Feeds one tap; true when it completes the gesture (which then starts over). */
  tap(x: number, y: number, width: number, height: number, atMs: number): boolean {
    if (!this.inCorner(x, y, width, height)) {
      // A tap anywhere else breaks the sequence: the gesture is deliberate, not accidental.
      this.times = [];
      return false;
    }
    this.times = this.times.filter((t) => atMs - t <= this.o.withinMs);
    this.times.push(atMs);
    if (this.times.length >= this.o.taps) {
      this.times = [];
      return true;
    }
    return false;
  }
}
