/**
 * The device lab's magnetic-stripe "swipe": a card-read source the lab page triggers with a test
 * card, feeding the same identity path a HID reader feeds. Demo mode only.
 */
import { magstripeRead, type CardReadListener, type CardReadSource } from '../../drivers/cardreader/card-read.js';

export class LabSwipeSource implements CardReadSource {
  private readonly listeners = new Set<CardReadListener>();

  onRead(listener: CardReadListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  swipe(pan: string): void {
    const read = magstripeRead(pan, 'sim');
    for (const l of this.listeners) l(read);
  }
}
