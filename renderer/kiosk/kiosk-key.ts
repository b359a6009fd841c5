/**
 * The kiosk's device key (server/kiosk/kiosk-devices.ts). A supervisor enrols the kiosk and
 * opens the kiosk page once as /kiosk#kiosk-key=KEY on it: the fragment never reaches the
 * network or the logs; the page keeps the key in its storage and removes it from the address.
 * The kiosk on the service's own machine needs no key (it is known by its address).
 */
const STORAGE_KEY = 'branch-queue.kioskKey';
const FRAGMENT = /(?:^#|&)kiosk-key=(kk_[A-Za-z0-9_-]{43})(?:&|$)/;

export function adoptKioskKeyFromAddress(): void {
  const m = FRAGMENT.exec(location.hash);
  if (!m) return;
  localStorage.setItem(STORAGE_KEY, m[1]!);
  history.replaceState(null, '', location.pathname + location.search);
}

export function kioskKeyHeader(): Record<string, string> {
  const key = localStorage.getItem(STORAGE_KEY);
  return key ? { 'x-kiosk-key': key } : {};
}
