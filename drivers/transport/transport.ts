/**
 * A byte transport to one device: a serial port, a TCP socket (e.g. a printer on port 9100)
 * or an in-process simulator. Every device adapter talks to its device through this interface
 * only, so the same adapter runs over real hardware, a socat pty in tests and the demo lab.
 *
 * A transport reconnects by itself: after the port disappears (unplug, power cycle, pty closed)
 * it keeps retrying with a capped backoff and emits `state` changes. Writes while disconnected
 * reject with DomainError code DEVICE_OFFLINE; they are never queued silently, because the caller
 * (e.g. the print queue) decides what a failed write means.
 */
export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface TransportEvents {
  data: (chunk: Buffer) => void;
  state: (state: ConnectionState, reason?: string) => void;
}

export interface Transport {
  /** The URI it was made from, with secrets removed; shown on GET /api/devices. */
  readonly uri: string;
  readonly state: ConnectionState;
  /** Optional: why the last open attempt failed or the connection was lost, for status details. */
  readonly lastError?: string | undefined;
  /** Starts connecting (and reconnecting after loss) until close() is called. */
  open(): void;
  /** Writes and waits until the bytes are handed to the OS (drain). Rejects with DEVICE_OFFLINE when not open. */
  write(bytes: Uint8Array): Promise<void>;
  /** Stops for good: no more reconnects, no more events. */
  close(): Promise<void>;
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this;
  off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this;
}
