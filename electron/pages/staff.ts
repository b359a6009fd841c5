/**
 * The staff window's page (shell://app/staff.html): staff id and PIN with an on-screen keyboard
 * (the kiosk has no keyboard), then the staff menu. It talks only to `window.staffMenu`, which
 * the staff preload exposes; the main process checks everything again.
 */
import { STAFF_ACTIONS, type StaffMenuApi } from '../channels.js';

declare global {
  interface Window {
    staffMenu?: StaffMenuApi;
  }
}

const REFUSALS: Record<string, string> = {
  INVALID_CREDENTIALS: '工号或密码错误 · Staff id or PIN is wrong',
  ACCOUNT_LOCKED: '账号已锁定 · This account is locked',
  NOT_SUPERVISOR: '需要主管密码 · A supervisor PIN is needed',
  RATE_LIMITED: '尝试次数过多，请稍后再试 · Too many tries, wait a moment',
  SERVICE_DOWN: '网点服务未运行，无法验证密码 · The branch service is not running; the PIN cannot be checked',
  VALIDATION_FAILED: '请输入工号和密码 · Enter a staff id and a PIN',
};

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`staff page: #${id} is missing`);
  return el as T;
};

function start(): void {
  const menuApi = window.staffMenu;
  const staffId = $<HTMLInputElement>('staff-id');
  const pin = $<HTMLInputElement>('pin');
  const message = $('message');
  let target: HTMLInputElement = staffId;
  let upper = true;
  staffId.addEventListener('focus', () => (target = staffId));
  pin.addEventListener('focus', () => (target = pin));

  const keys = $('keys');
  const layout = ['1234567890', 'QWERTYUIOP', 'ASDFGHJKL-', 'ZXCVBNM_'];
  const drawKeys = () => {
    keys.replaceChildren();
    for (const row of layout) {
      for (const ch of row) {
        const b = document.createElement('button');
        b.type = 'button';
        const c = upper ? ch : ch.toLowerCase();
        b.textContent = c;
        b.addEventListener('click', () => {
          if (target.value.length < target.maxLength) target.value += c;
          target.focus();
        });
        keys.append(b);
      }
    }
    const shift = document.createElement('button');
    shift.type = 'button';
    shift.textContent = upper ? 'abc' : 'ABC';
    shift.setAttribute('aria-label', upper ? '小写 · lower case' : '大写 · upper case');
    shift.addEventListener('click', () => {
      upper = !upper;
      drawKeys();
    });
    const back = document.createElement('button');
    back.type = 'button';
    back.className = 'wide';
    back.textContent = '⌫';
    back.setAttribute('aria-label', '删除 · Delete');
    back.addEventListener('click', () => {
      target.value = target.value.slice(0, -1);
      target.focus();
    });
    keys.append(shift, back);
  };
  drawKeys();

  if (!menuApi) {
    message.textContent = '员工菜单不可用 · The staff menu is not available here';
    return;
  }
  $('cancel').addEventListener('click', () => menuApi.cancel());
  $('close').addEventListener('click', () => menuApi.cancel());
  $<HTMLFormElement>('pin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    message.textContent = '';
    void menuApi.verify(staffId.value.trim(), pin.value).then((r) => {
      pin.value = '';
      if (!r.ok) {
        message.textContent = `${REFUSALS[r.code] ?? '无法解锁 · Not unlocked'} (${r.message})`;
        return;
      }
      $('unlock').hidden = true;
      $('menu').hidden = false;
      $('who').textContent = `${r.name} (${r.staffId})`;
    });
  });
  for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
    b.addEventListener('click', () => {
      const action = STAFF_ACTIONS.find((a) => a === b.dataset.action);
      if (!action) return;
      void menuApi.act(action).then((r) => {
        if (!r.ok) $('action-message').textContent = r.message ?? '';
      });
    });
  }
  staffId.focus();
}

start();
