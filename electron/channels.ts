/** IPC channel names shared by the main process and the preloads (no other IPC exists). */
export const CHANNELS = {
  /** kiosk preload → main: the hidden corner gesture was made. */
  staffGesture: 'shell:staff-gesture',
  /** staff page → main (invoke): `{ staffId, pin }` → PinCheck. */
  staffVerify: 'shell:staff-verify',
  /** staff page → main (invoke): a StaffAction, once unlocked. */
  staffAction: 'shell:staff-action',
  /** staff page → main: close the staff window. */
  staffCancel: 'shell:staff-cancel',
} as const;

export const STAFF_ACTIONS = ['exit', 'reload', 'lab', 'kiosk', 'restart-service'] as const;
export type StaffAction = (typeof STAFF_ACTIONS)[number];

export type PinCheck = { ok: true; staffId: string; name: string } | { ok: false; code: string; message: string };

/** What the staff page may call (the staff window's preload exposes exactly this). */
export interface StaffMenuApi {
  verify(staffId: string, pin: string): Promise<PinCheck>;
  act(action: StaffAction): Promise<{ ok: boolean; message?: string }>;
  cancel(): void;
}
