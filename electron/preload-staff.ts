/**
 * The staff window's preload: exposes exactly the staff menu's three calls to the shell's own
 * staff page, with plain string arguments. The main process checks the sender and the values.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, type StaffAction, type StaffMenuApi } from './channels.js';

const api: StaffMenuApi = {
  verify: (staffId: string, pin: string) => ipcRenderer.invoke(CHANNELS.staffVerify, { staffId: String(staffId), pin: String(pin) }),
  act: (action: StaffAction) => ipcRenderer.invoke(CHANNELS.staffAction, String(action)),
  cancel: () => ipcRenderer.send(CHANNELS.staffCancel),
};
contextBridge.exposeInMainWorld('staffMenu', api);
