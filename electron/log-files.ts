/**
 * The shell's log files: the branch service's own output (service.log) and the shell's
 * decisions (shell.log, JSON lines like the service's), each rotated by size so a kiosk that
 * runs for years never fills its disk. Writes are synchronous appends: a few lines a minute,
 * and a line written just before a crash is the one IT needs.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export class RotatingFile {
  private size: number;

  constructor(
    readonly path: string,
    private readonly opts: { maxBytes: number; keep: number } = { maxBytes: 5 * 1024 * 1024, keep: 5 },
  ) {
    mkdirSync(dirname(path), { recursive: true });
    try {
      this.size = statSync(path).size;
    } catch {
      this.size = 0;
    }
  }

  write(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.size > 0 && this.size + bytes > this.opts.maxBytes) this.rotate();
    try {
      appendFileSync(this.path, text);
      this.size += bytes;
    } catch {
      // A full or read-only disk must not take the kiosk down with it; the service reports its own storage errors.
    }
  }

  private rotate(): void {
    rmSync(`${this.path}.${this.opts.keep}`, { force: true });
    for (let i = this.opts.keep - 1; i >= 1; i--) {
      try {
        renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      } catch {
        /* that generation does not exist yet */
      }
    }
    try {
      renameSync(this.path, `${this.path}.1`);
    } catch {
      /* nothing to rotate */
    }
    this.size = 0;
  }
}

/** The last lines of a stream, kept for the log entry that says why the service stopped. */
export class LineTail {
  private readonly buf: string[] = [];

  constructor(private readonly max = 40) {}

  push(line: string): void {
    this.buf.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
    if (this.buf.length > this.max) this.buf.shift();
  }

  lines(): string[] {
    return [...this.buf];
  }
}

export type LogFields = Record<string, unknown>;

export interface ShellLog {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export function createShellLog(file: RotatingFile | null, echo: (line: string) => void = () => undefined, now: () => number = Date.now): ShellLog {
  const write = (level: 'info' | 'warn' | 'error', msg: string, fields?: LogFields) => {
    const line = JSON.stringify({ time: new Date(now()).toISOString(), level, name: 'shell', msg, ...fields });
    file?.write(line + '\n');
    echo(line);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** A log that keeps its entries in memory (tests, and tools that read what the shell decided). */
export function memoryLog(): ShellLog & { entries: { level: string; msg: string; fields?: LogFields }[] } {
  const entries: { level: string; msg: string; fields?: LogFields }[] = [];
  return {
    entries,
    info: (msg, fields) => void entries.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => void entries.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => void entries.push({ level: 'error', msg, fields }),
  };
}
