/**
 * The one place where a domain error's stable code becomes an HTTP status. Core, the database,
 * drivers and the service throw DomainError (code, message, details) and know nothing of HTTP.
 * A code missing here answers 500 and is logged, so a new code shows up in the logs the first
 * time it reaches a client instead of passing as a wrong 4xx.
 */
import { isDomainError, type DomainError } from '../../common/errors.js';

const STATUS: Readonly<Record<string, number>> = {
  // The request itself is wrong: the body, a parameter, a name that is not in the configuration.
  VALIDATION_FAILED: 400,
  UNKNOWN_SEGMENT: 400,
  UNKNOWN_PAUSE_REASON: 400,
  SAME_SERVICE: 400,
  NO_CARD_READERS: 400,
  CARD_NUMBER_INVALID: 400,
  ID_NUMBER_INVALID: 400,
  BAD_DEVICE_URI: 400,
  UNKNOWN_DISPLAY_PROTOCOL: 400,
  UNKNOWN_CALL_PAD_PROTOCOL: 400,
  UNKNOWN_EVALUATOR_PROTOCOL: 400,
  RATING_INVALID: 400,
  WEAK_PIN: 400,
  CONFIG_INVALID: 400,
  CONFIG_UNREADABLE: 400,
  SEGMENT_CONFIG_INVALID: 400,
  PROFILE_INVALID: 400,
  UNKNOWN_CATEGORY: 400,
  OWNER_CONFLICT: 400,
  UNKNOWN_OWNER: 400,
  CONTACT_REQUIRED: 400,
  PROFILES_NONE: 400,
  SEEDS_INVALID: 400,
  // Who is asking.
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  KIOSK_KEY_INVALID: 401,
  KIOSK_KEY_REQUIRED: 401,
  FORBIDDEN: 403,
  KIOSK_ONLY: 403,
  NOT_SUPERVISOR: 403,
  ACCOUNT_LOCKED: 423,
  RATE_LIMITED: 429,
  RATING_RATE_LIMITED: 429,
  // Something named that does not exist.
  UNKNOWN_SERVICE: 404,
  UNKNOWN_COUNTER: 404,
  UNKNOWN_TICKET: 404,
  UNKNOWN_KIOSK: 404,
  TICKET_EXPIRED: 410,
  UNKNOWN_ALERT: 404,
  UNKNOWN_DEVICE: 404,
  UNKNOWN_STAFF: 404,
  NO_CALL_PAD: 404,
  NO_EVALUATOR: 404,
  UNKNOWN_TABLET: 404,
  UNKNOWN_COMPLAINT: 404,
  UNKNOWN_FOLLOWUP: 404,
  NO_CUSTOMER_FILE: 404,
  UNKNOWN_NOTE: 404,
  NO_SIM_PRINTER: 404,
  NO_SIM_CARD_READER: 404,
  NO_SIM_ID_READER: 404,
  // The request is fine but the state of the queue or a device refuses it now.
  SERVICE_CLOSED: 409,
  SERVICE_CAPPED: 409,
  BRANCH_CLOSED: 409,
  NUMBERS_EXHAUSTED: 409,
  COUNTER_TAKEN: 409,
  COUNTER_CLOSED: 409,
  COUNTER_PAUSED: 409,
  COUNTER_NOT_PAUSED: 409,
  TICKET_AT_COUNTER: 409,
  TICKET_NOT_STARTED: 409,
  NO_CURRENT_TICKET: 409,
  INVALID_STATE: 409,
  RECALL_LIMIT: 409,
  REJOIN_LIMIT: 409,
  TICKET_NOT_ACTIVE: 409,
  ALREADY_ACKNOWLEDGED: 409,
  IDENTITY_EXPIRED: 409,
  IDENTITY_USED: 409,
  NOT_SIMULATED: 409,
  // Ratings: one per ticket, once the service is done, while the request or window is open.
  RATING_NOT_SERVED: 409,
  ALREADY_RATED: 409,
  RATING_CLOSED: 409,
  RATING_EXPIRED: 409,
  // Complaints, follow-ups and customer files: the state or the customer's consent refuses it.
  COMPLAINT_STATE: 409,
  FOLLOWUP_CLOSED: 409,
  CONSENT_REQUIRED: 409,
  NO_CONSENT: 409,
  NO_CARD_READ: 409,
  STAFF_EXISTS: 409,
  LAST_ADMIN: 409,
  CONFIG_CHANGED: 409,
  // The branch computer or a device cannot do it now; the client may try again.
  STORAGE_FULL: 503,
  STORAGE_FAILED: 503,
  STORAGE_BUSY: 503,
  STORAGE_REPLACED: 503,
  DEVICE_OFFLINE: 503,
  DEVICE_CONNECT_TIMEOUT: 503,
  PRINT_FAILED: 503,
  LOGIN_BUSY: 503,
  // Faults of the branch computer itself: logged, answered 500.
  DB_ROW_INVALID: 500,
  PAGES_NOT_BUILT: 500,
  DB_OPEN_FAILED: 500,
  DB_CORRUPT: 500,
  DB_TOO_NEW: 500,
  EVENT_INVALID: 500,
  DATA_DIR_NOT_WRITABLE: 500,
  NUMBERING_FILE_INVALID: 500,
  BAD_CREDENTIALS_FILE: 500,
  RESEQUENCE_BACKWARDS: 500,
  IDENTITY_KEY_INVALID: 500,
  IDENTITY_KEY_UNREADABLE: 500,
  IDENTITY_KEY_UNWRITABLE: 500,
  HID_UNAVAILABLE: 500,
  // A driver asked to do what its protocol cannot (a bad parser option, an over-long frame or
  // QR payload): a fault of the configuration or the code, not of the request.
  BAD_PARSER_OPTIONS: 500,
  SAM_FRAME_TOO_LONG: 500,
  QR_PAYLOAD_SIZE: 500,
};

/** The HTTP status of a domain error's code; undefined when the code is not in the table. */
export function httpStatusOf(code: string): number | undefined {
  return STATUS[code];
}

export interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string; details?: unknown } };
  /** Whether the error must be logged: a server fault, or a code the table does not know. */
  log: boolean;
}

/** The answer to a DomainError; undefined for any other error. */
export function domainErrorAnswer(err: unknown, statusOf: (code: string) => number | undefined = httpStatusOf): ErrorAnswer | undefined {
  if (!isDomainError(err)) return undefined;
  const e: DomainError = err;
  const status = statusOf(e.code);
  if (status === undefined) {
    return { status: 500, body: { error: { code: e.code, message: e.message } }, log: true };
  }
  const details = e.details !== undefined && status < 500 ? { details: e.details } : {};
  return { status, body: { error: { code: e.code, message: e.message, ...details } }, log: status >= 500 };
}
