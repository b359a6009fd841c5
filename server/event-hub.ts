/**
 * Fans committed events out to in-process listeners (WebSocket clients, device adapters,
 * later the uploader). Listeners run after the commit; one that throws is logged and skipped,
 * so a faulty display adapter cannot undo or delay a call.
 */
import type { BranchEvent } from '../core/events.js';
import type { Logger } from './logger.js';

export type EventListener = (event: BranchEvent) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly log: Logger) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: BranchEvent[]): void {
    for (const e of events) {
      for (const l of this.listeners) {
        try {
          l(e);
        } catch (err) {
          this.log.error({ err, event: e.type }, 'event listener failed');
        }
      }
    }
  }
}
