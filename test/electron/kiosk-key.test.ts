/**
 * The kiosk's key: read from the shell's data folder (the enrolment answer as saved, or the key
 * alone), refused with a clear error when required and missing or when malformed, and added by
 * the main process to the kiosk page's ticket requests only: never to the lobby window, another
 * page in the kiosk window, another request or another origin.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KIOSK_KEY_FILE_NAME, KioskKeyError, readKioskKey } from '../../electron/kiosk-key.js';
import type { BeforeSendHeadersDetails } from '../../electron/ports.js';
import { loadShellConfig, SettingsError } from '../../electron/settings.js';
import { startTestShell } from './support.js';

const APP = 'http://127.0.0.1:8080';
const KEY = `kk_${'a1B2-_c3'.repeat(5)}xyz`;
const dir = mkdtempSync(join(tmpdir(), 'kiosk-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text, { mode: 0o600 });
  return f;
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof KioskKeyError || e instanceof SettingsError ? e.code : `not a kiosk key error: ${String(e)}`;
  }
  return undefined;
}

describe('the key file', () => {
  test('holds the enrolment answer as saved, or the key alone', () => {
    expect(KEY).toMatch(/^kk_[A-Za-z0-9_-]{43}$/);
    expect(readKioskKey(file('answer.json', JSON.stringify({ id: 'K2', name: 'Lobby kiosk 2', key: KEY }, null, 2)), true)).toEqual({ id: 'K2', name: 'Lobby kiosk 2', key: KEY });
    expect(readKioskKey(file('bare', `${KEY}\n`), true)).toEqual({ key: KEY });
  });

  test('missing: no key, or KIOSK_KEY_MISSING naming the file and what to do when the settings require one', () => {
    const missing = join(dir, 'nope.json');
    expect(readKioskKey(missing, false)).toBeUndefined();
    expect(codeOf(() => readKioskKey(missing, true))).toBe('KIOSK_KEY_MISSING');
    expect(() => readKioskKey(missing, true)).toThrow(new RegExp(`not enrolled.*${missing}.*POST /api/kiosk-devices`));
  });

  test('malformed: KIOSK_KEY_MALFORMED, and the message never quotes the secret', () => {
    const cases = {
      'truncated.json': `{"id":"K2","key":"${KEY}"`,
      'short.json': JSON.stringify({ id: 'K2', key: KEY.slice(0, 20) }),
      'typo.json': JSON.stringify({ id: 'K2', kee: KEY }),
      'bad-id.json': JSON.stringify({ id: 'K 2!', key: KEY }),
      'list.json': JSON.stringify([KEY]),
      'empty.json': '',
      'two-keys': `${KEY}\n${KEY}\n`,
    };
    for (const [name, text] of Object.entries(cases)) {
      const f = file(name, text);
      expect(codeOf(() => readKioskKey(f, false)), name).toBe('KIOSK_KEY_MALFORMED');
      try {
        readKioskKey(f, false);
      } catch (e) {
        expect((e as Error).message).toContain(f);
        expect((e as Error).message).not.toContain(KEY.slice(3, 20));
      }
    }
    expect(() => readKioskKey(file('short2.json', JSON.stringify({ key: 'kk_abc' })), false)).toThrow(/key: must be the key enrolment gave/);
  });

  test('the settings: kiosk-key.json in the user data folder by default, another file, required', () => {
    const userData = mkdtempSync(join(dir, 'user-'));
    const env = { platform: 'linux' as const, env: {}, userData, mainDir: '/opt/bq/dist/electron', cwd: dir };
    const empty = file('empty.yaml', '');
    // Not enrolled yet: the kiosk starts and counts as its address.
    expect(loadShellConfig(['--settings', empty], env).kioskKey).toBeUndefined();
    expect(loadShellConfig(['--settings', empty], env).kioskKeyFile).toBe(join(userData, KIOSK_KEY_FILE_NAME));
    const keyFile = join(userData, KIOSK_KEY_FILE_NAME);
    writeFileSync(keyFile, JSON.stringify({ id: 'K1', name: 'Kiosk 1', key: KEY }));
    expect(loadShellConfig(['--settings', empty], env).kioskKey).toEqual({ id: 'K1', name: 'Kiosk 1', key: KEY });
    // Readable by other accounts: noted (the shell log warns), still used.
    chmodSync(keyFile, 0o644);
    expect(loadShellConfig(['--settings', empty], env).kioskKeyReadableByOthers).toBe(true);
    chmodSync(keyFile, 0o600);
    expect(loadShellConfig(['--settings', empty], env).kioskKeyReadableByOthers).toBe(false);
    expect(loadShellConfig(['--settings', empty], { ...env, platform: 'win32' as const }).kioskKeyReadableByOthers).toBe(false);

    const elsewhere = file('elsewhere.yaml', `kioskKey:\n  file: keys/k9.json\n  required: true\n`);
    expect(codeOf(() => loadShellConfig(['--settings', elsewhere], env))).toBe('KIOSK_KEY_MISSING');
    expect(() => loadShellConfig(['--settings', elsewhere], env)).toThrow(join(dir, 'keys/k9.json'));
    file('bad-key.json', '{"key": "kk_short"}');
    expect(codeOf(() => loadShellConfig(['--settings', file('bad.yaml', 'kioskKey:\n  file: bad-key.json\n')], env))).toBe('KIOSK_KEY_MALFORMED');
    expect(() => loadShellConfig(['--settings', file('typo.yaml', 'kioskKey:\n  requird: true\n')], env)).toThrow(/kioskKey/);
  });
});

describe('the kiosk page’s ticket requests carry the key', () => {
  const post = (webContentsId: number | undefined, url = `${APP}/api/tickets`, requestHeaders: Record<string, string> = { 'Content-Type': 'application/json' }): BeforeSendHeadersDetails => ({
    url,
    method: 'POST',
    ...(webContentsId === undefined ? {} : { webContentsId }),
    requestHeaders,
  });

  test('only from the kiosk window showing the kiosk page, only POST /api/tickets to the service', async () => {
    const t = startTestShell({ kioskKey: { id: 'K1', key: KEY } });
    const send = (d: BeforeSendHeadersDetails) => t.fe.session.sendHeaders(d);
    const kiosk = t.kiosk().webContents.id;
    // Before the service is ready there is no app origin: nothing gets the key.
    expect(send(post(kiosk))).not.toHaveProperty('X-Kiosk-Key');
    await t.serviceReady();

    expect(send(post(kiosk))).toEqual({ 'Content-Type': 'application/json', 'X-Kiosk-Key': KEY });
    // A key the page sent itself (a stale one from its storage) is replaced, not sent twice.
    expect(send(post(kiosk, `${APP}/api/tickets`, { 'x-kiosk-key': 'kk_old', Accept: 'application/json' }))).toEqual({ Accept: 'application/json', 'X-Kiosk-Key': KEY });

    // Not the lobby window, not the browser's own requests, not other requests, not elsewhere.
    expect(send(post(t.lobby()!.webContents.id))).not.toHaveProperty('X-Kiosk-Key');
    expect(send(post(undefined))).not.toHaveProperty('X-Kiosk-Key');
    expect(send({ ...post(kiosk), method: 'GET' })).not.toHaveProperty('X-Kiosk-Key');
    for (const url of [`${APP}/api/tickets/A001/reprint`, `${APP}/api/kiosk/status`, `${APP}/api/ticketsX`, 'http://127.0.0.1:9999/api/tickets', 'http://10.0.0.5:8080/api/tickets', 'shell://app/api/tickets', 'not a url']) {
      expect(send(post(kiosk, url)), url).not.toHaveProperty('X-Kiosk-Key');
    }
    expect(t.log.entries.some((e) => e.msg === 'kiosk key loaded' && e.fields?.kioskId === 'K1')).toBe(true);
    expect(JSON.stringify(t.log.entries)).not.toContain(KEY);
  });

  test('not while the kiosk window shows another page (the device lab, the starting page)', async () => {
    const t = startTestShell({ kioskKey: { key: KEY } });
    await t.serviceReady();
    const kiosk = t.kiosk().webContents;
    await kiosk.loadURL(`${APP}/lab`);
    expect(t.fe.session.sendHeaders(post(kiosk.id))).not.toHaveProperty('X-Kiosk-Key');
    await kiosk.loadURL('shell://app/starting.html');
    expect(t.fe.session.sendHeaders(post(kiosk.id))).not.toHaveProperty('X-Kiosk-Key');
    await kiosk.loadURL(`${APP}/kiosk?lang=en`);
    expect(t.fe.session.sendHeaders(post(kiosk.id))['X-Kiosk-Key']).toBe(KEY);
    // The service restarts on another port: the key follows the new origin only.
    t.fe.services.at(-1)!.exit(1);
    t.timers.advance(1_000);
    await t.serviceReady(8081);
    await kiosk.loadURL('http://127.0.0.1:8081/kiosk');
    expect(t.fe.session.sendHeaders(post(kiosk.id, 'http://127.0.0.1:8081/api/tickets'))['X-Kiosk-Key']).toBe(KEY);
    expect(t.fe.session.sendHeaders(post(kiosk.id))).not.toHaveProperty('X-Kiosk-Key');
  });

  test('a refused key is an error in the shell log for IT; other refusals and other windows are not', async () => {
    const t = startTestShell({ kioskKey: { id: 'K1', key: KEY }, kioskKeyReadableByOthers: true, kioskKeyFile: '/home/kiosk/kiosk-key.json' });
    await t.serviceReady();
    const done = (webContentsId: number, statusCode: number, url = `${APP}/api/tickets`) => t.fe.session.completedListener!({ url, method: 'POST', webContentsId, statusCode });
    const refusals = () => t.log.entries.filter((e) => e.level === 'error' && /refused the kiosk key/.test(e.msg));
    done(t.kiosk().webContents.id, 201);
    done(t.kiosk().webContents.id, 429);
    done(t.lobby()!.webContents.id, 401);
    done(t.kiosk().webContents.id, 401, `${APP}/api/kiosk/staff-exit`);
    expect(refusals()).toHaveLength(0);
    done(t.kiosk().webContents.id, 401);
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]!.fields).toEqual({ kioskId: 'K1' });
    expect(t.log.entries.some((e) => e.level === 'warn' && /can be read by other accounts/.test(e.msg))).toBe(true);
    expect(JSON.stringify(t.log.entries)).not.toContain(KEY);
  });

  test('a kiosk not yet enrolled installs no listener and says so in the log', () => {
    const t = startTestShell({ kioskKeyFile: '/home/kiosk/.config/Branch Queue Kiosk/kiosk-key.json' });
    expect(t.fe.session.beforeSendListener).toBeUndefined();
    expect(t.log.entries.some((e) => e.level === 'warn' && /not enrolled/.test(e.msg))).toBe(true);
  });
});
