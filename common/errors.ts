/**
 * Errors that cross a boundary carry a stable machine code and a message a person can act on.
 * Core, drivers and the database throw `DomainError`, which knows nothing of HTTP; the HTTP layer
 * alone maps codes to status codes, so nothing needs to parse messages.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly details: unknown;

  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
