/**
 * What the LED displays and call pads say. Drivers only carry text, so the wording lives here,
 * in one place, short enough for the hardware: a counter display line holds ~16 Chinese
 * characters, a pad screen 16 bytes (8 Chinese characters), a lobby board row ~10.
 * Only ticket numbers and counters appear: never a segment or a staff name (public screens).
 */

/** "3号窗口": the counter as customers know it. */
export function counterLabel(counterId: string): string {
  return `${counterId}号窗口`;
}

/** The counter display when a ticket is called or recalled: "A017 请到3号窗口". */
export function calledText(number: string, counterId: string): string {
  return `${number} 请到${counterLabel(counterId)}`;
}

/** The counter display while the customer is served. */
export function servingText(number: string): string {
  return `${number} 正在办理`;
}

/** The counter display while open and free. */
export function idleText(counterId: string): string {
  return `${counterLabel(counterId)} 欢迎光临`;
}

/** The counter display while paused or closed. */
export function closedText(counterId: string, paused: boolean): string {
  return `${counterLabel(counterId)} ${paused ? '暂停服务' : '暂停服务 请到其他窗口'}`;
}

/** One row of the lobby board: "A017 → 3号窗口". */
export function boardRow(number: string, counterId: string): string {
  return `${number} ${counterLabel(counterId)}`;
}

/** Pad screens (≤ 16 bytes GB2312). */
export const PAD_TEXT = {
  closed: '未开窗 请登录',
  paused: '暂停中',
  idle: '空闲',
  noneWaiting: '无人等候',
  failed: '操作失败',
  transferPrompt: (digits: string) => `转至业务${digits || '?'}`,
  pausePrompt: (digits: string) => `暂停原因${digits || '?'}`,
} as const;

/** A short pad message for an engine refusal, by error code. */
export function padErrorText(code: string): string {
  switch (code) {
    case 'COUNTER_CLOSED':
      return PAD_TEXT.closed;
    case 'COUNTER_PAUSED':
      return PAD_TEXT.paused;
    case 'NO_CURRENT_TICKET':
    case 'INVALID_STATE':
      return '当前无号';
    case 'RECALL_LIMIT':
      return '重呼已达上限';
    case 'TICKET_AT_COUNTER':
      return '请先办结';
    case 'TICKET_NOT_STARTED':
      // Called but not started: the pad's start, no-show or the console's put back first.
      return '请先开始或过号';
    case 'UNKNOWN_SERVICE':
    case 'SAME_SERVICE':
    case 'SERVICE_CLOSED':
      return '业务不可转';
    case 'UNKNOWN_PAUSE_REASON':
      return '原因无效';
    case 'COUNTER_NOT_PAUSED':
      return '未暂停';
    default:
      return PAD_TEXT.failed;
  }
}
