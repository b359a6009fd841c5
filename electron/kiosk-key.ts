/**
 * The kiosk's device key (server/kiosk/kiosk-devices.ts), kept in a file in the shell's own
 * data folder and added by the main process to the kiosk page's ticket requests. The key never
 * enters a renderer: no page, preload or script in the kiosk window can read it, the lobby and
 * staff windows never carry it, and it goes only to the branch service on this machine.
 *
 * The file is what enrolment answers (`POST /api/kiosk-devices` → `{ "id", "name", "key" }`,
 * saved as it came), or the key alone on one line.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { ShellLog } from './log-files.js';
import type { BeforeSendHeadersDetails, SessionPort } from './ports.js';

export const KIOSK_KEY_HEADER = 'X-Kiosk-Key';
export const KIOSK_KEY_FILE_NAME = 'kiosk-key.json';
const keyPattern = /^kk_[A-Za-z0-9_-]{43}$/;

const kioskKeySchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be the enrolled kiosk id (1–40 letters, digits, - or _)').optional(),
    name: z.string().max(80).optional(),
    key: z.string().regex(keyPattern, 'must be the key enrolment gave: kk_ and 43 letters, digits, - or _'),
  })
  .strict();

export type KioskKey = z.infer<typeof kioskKeySchema>;

export type KioskKeyErrorCode = 'KIOSK_KEY_MISSING' | 'KIOSK_KEY_MALFORMED';

export class KioskKeyError extends Error {
  constructor(
    readonly code: KioskKeyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const HOW_TO_ENROL = 'A supervisor enrols the kiosk (POST /api/kiosk-devices) and saves the answer in this file; see docs/install.md, "Enrolling the kiosk".';

/**
 * Reads the key file. Absent: undefined, or KIOSK_KEY_MISSING when the settings require a key.
 * Anything else than a key: KIOSK_KEY_MALFORMED. Messages never quote the file's content (it is
 * a secret, and they end up in logs).
 */
export function readKioskKey(file: string, required: boolean): KioskKey | undefined {
  if (!existsSync(file)) {
    if (!required) return undefined;
    throw new KioskKeyError('KIOSK_KEY_MISSING', `The kiosk is not enrolled: its key file ${file} does not exist. ${HOW_TO_ENROL}`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new KioskKeyError('KIOSK_KEY_MALFORMED', `The kiosk key file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); the kiosk's user must be able to read it.`);
  }
  let raw: unknown;
  if (keyPattern.test(text)) raw = { key: text };
  else {
    try {
      raw = JSON.parse(text);
    } catch {
      // The parser's message would quote the file.
      throw new KioskKeyError('KIOSK_KEY_MALFORMED', `The kiosk key file ${file} is neither a key (kk_…) nor the JSON that enrolment answers. ${HOW_TO_ENROL}`);
    }
  }
  const parsed = kioskKeySchema.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new KioskKeyError('KIOSK_KEY_MALFORMED', `The kiosk key file ${file} is not a kiosk key: ${why}. ${HOW_TO_ENROL}`);
  }
  return parsed.data;
}

/**
 * Whether other accounts on the PC can read the key file (POSIX permission bits; Windows keeps a
 * user's app data private by its ACLs, which these bits do not show).
 */
export function keyFileReadableByOthers(file: string, platform: NodeJS.Platform): boolean {
  if (platform === 'win32') return false;
  try {
    return (statSync(file).mode & 0o044) !== 0;
  } catch {
    return false;
  }
}

export interface KioskKeyTarget {
  /** The branch service's origin (http://127.0.0.1:PORT) while it runs. */
  origin: string | undefined;
  /** The kiosk window's web contents and the page it shows now. */
  kioskContentsId: number | undefined;
  kioskPageUrl: string | undefined;
}

/** Only the kiosk page's ticket requests to the service carry the key. */
export function isKioskTicketRequest(details: Pick<BeforeSendHeadersDetails, 'url' | 'method' | 'webContentsId'>, target: KioskKeyTarget): boolean {
  if (target.origin === undefined || target.kioskContentsId === undefined || target.kioskPageUrl === undefined) return false;
  if (details.webContentsId !== target.kioskContentsId || details.method !== 'POST') return false;
  try {
    const url = new URL(details.url);
    const page = new URL(target.kioskPageUrl);
    return url.origin === target.origin && url.pathname === '/api/tickets' && page.origin === target.origin && page.pathname === '/kiosk';
  } catch {
    return false;
  }
}

/**
 * The request headers to send: the kiosk's key on the kiosk page's ticket requests (replacing any
 * key the page sent itself), everything else unchanged.
 */
export function withKioskKey(details: BeforeSendHeadersDetails, key: string, target: KioskKeyTarget): Record<string, string> {
  if (!isKioskTicketRequest(details, target)) return details.requestHeaders;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(details.requestHeaders)) if (name.toLowerCase() !== KIOSK_KEY_HEADER.toLowerCase()) headers[name] = value;
  headers[KIOSK_KEY_HEADER] = key;
  return headers;
}

/**
 * Installs the session's one before-send-headers listener, and tells the shell log when the
 * service refuses the key (revoked, or the kiosk enrolled again elsewhere): the customers are
 * told to ask staff, and IT reads here why.
 */
export function attachKioskKey(session: SessionPort, key: KioskKey, target: () => KioskKeyTarget, log: ShellLog): void {
  session.webRequest.onBeforeSendHeaders((details, callback) => callback({ requestHeaders: withKioskKey(details, key.key, target()) }));
  session.webRequest.onCompleted((details) => {
    if (details.statusCode === 401 && isKioskTicketRequest(details, target())) {
      log.error('the branch service refused the kiosk key: it was revoked or replaced; enrol the kiosk again and replace its key file', { kioskId: key.id });
    }
  });
}
