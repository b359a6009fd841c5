/**
 * What every device driver reports about itself. The branch service turns each change into a
 * `device.status` event and lists the current value on GET /api/devices.
 *
 * Drivers know nothing of tickets or queues: they speak bytes to a device and report its state.
 */
export type DeviceKind =
  | 'printer'
  | 'card_reader'
  | 'id_reader'
  | 'counter_display'
  | 'lobby_display'
  | 'call_pad'
  | 'evaluator';

/**
 * `connecting`: the port is not open yet (or is being reopened after a loss).
 * `online`: open and answering. `offline`: the port is gone or the device stopped answering.
 * The printer-specific states are conditions a staff member can fix at the device.
 * `error`: anything else that needs a person (the detail says what).
 */
export type DeviceState =
  | 'connecting'
  | 'online'
  | 'offline'
  | 'cover_open'
  | 'paper_near_end'
  | 'paper_end'
  | 'cutter_error'
  | 'error';

export interface DeviceStatus {
  id: string;
  kind: DeviceKind;
  /** Device URI without secrets, e.g. serial:///dev/ttyUSB0?baud=115200 */
  uri: string;
  state: DeviceState;
  /** A sentence for staff, e.g. "paper low: replace the roll soon". */
  detail?: string;
  /** ISO time the device entered this state. */
  since: string;
}

export interface Device {
  readonly id: string;
  readonly kind: DeviceKind;
  status(): DeviceStatus;
  /** Called on every state change (not on every poll). */
  onStatus(listener: (status: DeviceStatus) => void): () => void;
  start(): void;
  stop(): Promise<void>;
}
