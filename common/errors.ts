/**
 * Errors that cross a boundary carry a stable machine code and a message a person can act on.
 * The HTTP layer maps `status` straight onto the response; drivers and core use the same class
 * so that nothing needs to parse messages.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(code: string, message: string, status = 400, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
