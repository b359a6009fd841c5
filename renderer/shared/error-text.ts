/**
 * An error as a person reads it, in Chinese and English. The service's codes are stable; its
 * messages are English and precise (they name the ticket or counter). Staff pages show the
 * Chinese sentence for the code beside the service's own English message; customer pages show
 * only the fixed sentences (`customer: true`), never a server message.
 */
import type { Bilingual } from '../../common/customer-text.js';
import { ApiError } from './api.js';

export type { Bilingual };

const TEXT: Record<string, Bilingual> = {
  NETWORK: { zh: '无法连接网点服务，请稍后再试', en: 'The branch service cannot be reached; try again shortly' },
  INVALID_CREDENTIALS: { zh: '工号或密码不正确；连续输错多次账号会被锁定', en: 'Staff id or PIN is wrong; several wrong PINs lock the account' },
  ACCOUNT_LOCKED: { zh: '密码错误次数过多，账号已暂时锁定；请稍后再试或请主管在后台解锁', en: 'Too many wrong PINs: the account is locked for a while, or until a supervisor unlocks it in the back office' },
  RATE_LIMITED: { zh: '操作太频繁，请稍候再试', en: 'Too many requests; wait a moment and try again' },
  UNAUTHENTICATED: { zh: '登录已失效，请重新登录', en: 'Your sign-in has expired; sign in again' },
  FORBIDDEN: { zh: '此账号没有权限进行该操作', en: 'This account may not do that' },
  BRANCH_CLOSED: { zh: '现在不在营业时间，暂停取号', en: 'The branch is closed now; tickets are issued during opening hours' },
  SERVICE_CLOSED: { zh: '该业务今天暂停办理', en: 'This service is not offered today' },
  SERVICE_CAPPED: { zh: '该业务今天的号已取完', en: 'No more tickets for this service today' },
  NUMBERS_EXHAUSTED: { zh: '该业务今天的号已取完', en: 'No more tickets for this service today' },
  STORAGE_FULL: { zh: '系统存储已满，操作未完成；请联系科技支持', en: 'The branch computer is out of storage; nothing was changed. Call IT support' },
  STORAGE_FAILED: { zh: '系统暂时无法保存，操作未完成；请稍后再试', en: 'The branch computer could not save; nothing was changed. Try again shortly' },
  STORAGE_BUSY: { zh: '系统数据库正被其他程序占用，操作未完成；请稍后再试', en: 'Another program is holding the branch database; nothing was changed. Try again shortly' },
  STORAGE_REPLACED: { zh: '系统数据文件异常，已停止保存；请联系科技支持重启网点服务', en: 'The branch database files changed; nothing more is saved. Call IT to restart the branch service' },
  CONSENT_REQUIRED: { zh: '客户未同意保留档案，不能记录；请先征得客户同意', en: 'The customer has not agreed to keep a file; ask them first' },
  CONTACT_REQUIRED: { zh: '回访和产品信息需要客户的电话号码，请一并填写', en: 'Follow-up calls and product information need the customer’s phone number' },
  NO_CARD_READ: { zh: '此号未在取号机刷卡或身份证，无法建立客户档案', en: 'This ticket was taken without a card or ID read; there is no customer file' },
  FOLLOWUP_CLOSED: { zh: '此回访已结束', en: 'This follow-up is already closed' },
  KIOSK_KEY_INVALID: { zh: '本机未登记，请联系网点主管', en: 'This kiosk is not enrolled; please call the branch supervisor' },
  KIOSK_KEY_REQUIRED: { zh: '须在已登记的取号机上取号，或由员工登录后取号', en: 'Tickets are taken at an enrolled kiosk or by signed-in staff' },
  TICKET_NOT_STARTED: { zh: '当前客户已叫号但尚未开始办理：请先选择“开始办理”“过号”或“放回队列”', en: 'The customer was called but not started: choose Start, No-show or Put back first' },
  TICKET_AT_COUNTER: { zh: '窗口还有客户未办结，请先办结', en: 'A customer is still at the counter; finish them first' },
  NO_CURRENT_TICKET: { zh: '窗口当前没有客户', en: 'There is no customer at the counter' },
  COUNTER_TAKEN: { zh: '该窗口已由其他柜员登录', en: 'Another teller is signed in at this counter' },
  COUNTER_CLOSED: { zh: '窗口未开启', en: 'The counter is closed' },
  COUNTER_PAUSED: { zh: '窗口暂停中，请先恢复', en: 'The counter is paused; resume it first' },
  COUNTER_NOT_PAUSED: { zh: '窗口没有暂停', en: 'The counter is not paused' },
  RECALL_LIMIT: { zh: '重呼次数已达上限，请标记过号', en: 'Recalled as often as allowed; mark it a no-show' },
  REJOIN_LIMIT: { zh: '该号已达重新排队次数上限，请重新取号', en: 'This ticket has rejoined as often as allowed; take a new ticket' },
  INVALID_STATE: { zh: '号票当前状态不允许此操作', en: 'The ticket is not in a state that allows this' },
  TICKET_NOT_ACTIVE: { zh: '号票已结束，不能补打', en: 'The ticket has ended; it is not reprinted' },
  UNKNOWN_TICKET: { zh: '没有这张号票', en: 'There is no such ticket' },
  UNKNOWN_SERVICE: { zh: '没有这项业务', en: 'There is no such service' },
  SAME_SERVICE: { zh: '号票已经是这项业务', en: 'The ticket is already for that service' },
  UNKNOWN_COUNTER: { zh: '没有这个窗口', en: 'There is no such counter' },
  UNKNOWN_STAFF: { zh: '没有这个员工账号', en: 'There is no such staff account' },
  STAFF_EXISTS: { zh: '该工号已存在', en: 'That staff id is already used' },
  LAST_ADMIN: { zh: '这是网点唯一的管理员账号，请先指定另一位管理员', en: 'This is the only admin account; make another account admin first' },
  WEAK_PIN: { zh: '密码不符合要求', en: 'The PIN does not meet the rules' },
  VALIDATION_FAILED: { zh: '填写的内容有误', en: 'Something entered is not valid' },
  CONFIG_INVALID: { zh: '配置有误，未生效', en: 'The configuration has problems and was not applied' },
  CONFIG_CHANGED: { zh: '配置已被他人修改，请重新载入后再改', en: 'Someone else changed the configuration; reload it and make your change again' },
  PRINT_FAILED: { zh: '打印失败', en: 'Printing failed' },
  DEVICE_OFFLINE: { zh: '设备未连接', en: 'The device is not connected' },
};

// What a customer at the kiosk reads instead: what to do, not how the service is set up.
const KIOSK_UNAVAILABLE: Bilingual = { zh: '本机暂时不能取号，请联系大堂工作人员', en: 'This kiosk cannot give out numbers right now; please ask a member of staff' };
const CUSTOMER_TEXT: Record<string, Bilingual> = {
  RATE_LIMITED: { zh: '取号的人较多，请稍等片刻再取号', en: 'Many numbers are being taken right now; please wait a moment and try again' },
  KIOSK_KEY_INVALID: KIOSK_UNAVAILABLE,
  KIOSK_KEY_REQUIRED: KIOSK_UNAVAILABLE,
};

const GENERIC: Bilingual = { zh: '操作未完成，请稍后再试或联系工作人员', en: 'That did not work; try again or ask a member of staff' };

/** The error's code, or NETWORK / ERROR for anything else. */
export function errorCode(err: unknown): string {
  return err instanceof ApiError ? err.code : 'ERROR';
}

/** The error in both languages. Staff pages keep the service's precise English message. */
export function errorText(err: unknown, opts: { customer?: boolean } = {}): Bilingual {
  const known = TEXT[errorCode(err)];
  if (opts.customer) return CUSTOMER_TEXT[errorCode(err)] ?? known ?? GENERIC;
  const server = err instanceof ApiError && err.code !== 'NETWORK' ? err.message : undefined;
  if (known) return { zh: known.zh, en: server ?? known.en };
  return { zh: GENERIC.zh, en: server ?? (err instanceof Error ? err.message : GENERIC.en) };
}

/** One line for a staff page: "中文 · English". */
export function errorLine(err: unknown): string {
  const t = errorText(err);
  return `${t.zh} · ${t.en}`;
}
