/**
 * The staff exit end to end on the fake Electron, with the PIN checked by a real branch service
 * over HTTP: the fake utility process announces the real service's port as its ready line.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CHANNELS } from '../../electron/channels.js';
import { STAFF_PAGE } from '../../electron/staff-exit.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { settle, type FakeWindow } from './fake-electron.js';
import { startTestShell, type TestShell } from './support.js';

let b: TestBranch;
beforeAll(async () => {
  b = await startTestBranch();
});
afterAll(async () => {
  await b.close();
});

const pinOf = (id: string) => b.credentials.find((c) => c.staffId === id)!.pin;
const wrongPin = (id: string) => (pinOf(id) === '000000' ? '111111' : '000000');

async function openStaffWindow(): Promise<{ t: TestShell; staff: FakeWindow; from: { contents: FakeWindow['webContents']; url: string } }> {
  const t = startTestShell();
  await t.serviceReady(b.app.port);
  t.fe.ipcMain.send(CHANNELS.staffGesture, { contents: t.kiosk().webContents, url: `${b.url}/kiosk` });
  const staff = t.fe.windows.find((w) => w.options.title?.includes('Staff menu'))!;
  expect(staff.webContents.loads).toEqual([STAFF_PAGE]);
  return { t, staff, from: { contents: staff.webContents, url: STAFF_PAGE } };
}

test('a wrong PIN is refused and unlocks nothing', async () => {
  const { t, from } = await openStaffWindow();
  const r = await t.fe.ipcMain.invoke(CHANNELS.staffVerify, from, { staffId: 'S01', pin: wrongPin('S01') });
  expect(r).toMatchObject({ ok: false, code: 'INVALID_CREDENTIALS' });
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffAction, from, 'restart-service')).toEqual({ ok: false, message: 'Enter a supervisor PIN first.' });
  expect(t.fe.services[0]!.killed).toBe(0);
  // A teller's right PIN is not a supervisor's.
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffVerify, from, { staffId: 'T01', pin: pinOf('T01') })).toMatchObject({ ok: false, code: 'NOT_SUPERVISOR' });
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffAction, from, 'exit')).toMatchObject({ ok: false });
  expect(t.fe.app.exitCode).toBeUndefined();
});

test('messages from any other page or frame are refused, whatever they carry', async () => {
  const { t, from } = await openStaffWindow();
  const kioskPage = { contents: t.kiosk().webContents, url: `${b.url}/kiosk` };
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffVerify, kioskPage, { staffId: 'S01', pin: pinOf('S01') })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffVerify, { ...from, subFrame: true }, { staffId: 'S01', pin: pinOf('S01') })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffVerify, { ...from, url: 'shell://app/starting.html' }, { staffId: 'S01', pin: pinOf('S01') })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffVerify, from, { staffId: 'S01', pin: pinOf('S01'), extra: 1 })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffVerify, from, 'S01')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffVerify, from, { staffId: 'S01', pin: pinOf('S01') })).toMatchObject({ ok: true, staffId: 'S01' });
  // Unlocked, but the action still has to come from the staff page, and be a known one.
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffAction, kioskPage, 'exit')).toMatchObject({ ok: false });
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffAction, from, 'format-disk')).toMatchObject({ ok: false, message: 'Unknown action.' });
  expect(t.fe.app.exitCode).toBeUndefined();
});

test('a supervisor PIN unlocks the menu: restart the service, then exit to the desktop', async () => {
  const { t, staff, from } = await openStaffWindow();
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffVerify, from, { staffId: 'S01', pin: pinOf('S01') })).toEqual({ ok: true, staffId: 'S01', name: 'Demo supervisor' });
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffAction, from, 'restart-service')).toEqual({ ok: true });
  expect(staff.destroyed).toBe(true);
  await settle();
  expect(t.fe.services).toHaveLength(2);
  expect(t.shell.supervisor.current.state).toBe('starting');
  await t.serviceReady(b.app.port);

  // The menu is unlocked for a while only, and a new window starts locked.
  t.fe.ipcMain.send(CHANNELS.staffGesture, { contents: t.kiosk().webContents, url: `${b.url}/kiosk` });
  const again = t.fe.windows.filter((w) => w.options.title?.includes('Staff menu')).at(-1)!;
  const from2 = { contents: again.webContents, url: STAFF_PAGE };
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffAction, from2, 'exit')).toMatchObject({ ok: false });
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffVerify, from2, { staffId: 'S01', pin: pinOf('S01') })).toMatchObject({ ok: true });
  t.timers.advance(121_000);
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffAction, from2, 'exit')).toMatchObject({ ok: false });

  t.fe.ipcMain.send(CHANNELS.staffGesture, { contents: t.kiosk().webContents, url: `${b.url}/kiosk` });
  const last = t.fe.windows.filter((w) => w.options.title?.includes('Staff menu')).at(-1)!;
  const from3 = { contents: last.webContents, url: STAFF_PAGE };
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffVerify, from3, { staffId: 'A01', pin: pinOf('A01') })).toMatchObject({ ok: true });
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffAction, from3, 'exit')).toEqual({ ok: true });
  await settle(10);
  expect(t.shell.supervisor.current.state).toBe('stopped');
  expect(t.fe.app.exitCode).toBe(0);
  expect(t.log.entries.some((e) => e.msg === 'staff action' && e.fields?.action === 'exit' && e.fields?.staffId === 'A01')).toBe(true);
});

test('the device lab action shows the lab on the kiosk screen, and the kiosk comes back by itself', async () => {
  const { t, from } = await openStaffWindow();
  await t.fe.ipcMain.invoke(CHANNELS.staffVerify, from, { staffId: 'S01', pin: pinOf('S01') });
  await t.fe.ipcMain.invoke(CHANNELS.staffAction, from, 'lab');
  expect(t.kiosk().webContents.loads.at(-1)).toBe(`${b.url}/lab`);
  t.timers.advance(10 * 60_000);
  expect(t.kiosk().webContents.loads.at(-1)).toBe(`${b.url}/kiosk`);
});

test('with the service down the gesture still opens the menu, and says why the PIN cannot be checked', async () => {
  const t = startTestShell();
  await settle();
  t.fe.ipcMain.send(CHANNELS.staffGesture, { contents: t.kiosk().webContents, url: 'shell://app/starting.html' });
  const staff = t.fe.windows.find((w) => w.options.title?.includes('Staff menu'))!;
  expect(staff).toBeDefined();
  expect(await t.fe.ipcMain.invoke(CHANNELS.staffVerify, { contents: staff.webContents, url: STAFF_PAGE }, { staffId: 'S01', pin: '123456' })).toMatchObject({ ok: false, code: 'SERVICE_DOWN' });
});
