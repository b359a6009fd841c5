/**
 * Devices as branch staff know them: a plain name instead of an id, the state in words, and
 * what to do about it. Used by the alerts, the dashboard and the back office's device list.
 */
import type { Bilingual } from './customer-text.js';

const KIND_NAMES: Record<string, Bilingual> = {
  printer: { zh: '取号机打印机', en: 'Ticket printer' },
  card_reader: { zh: '银行卡读卡器', en: 'Bank card reader' },
  id_reader: { zh: '身份证阅读器', en: 'ID card reader' },
  counter_display: { zh: '窗口显示屏', en: 'Counter displays' },
  lobby_display: { zh: '大厅综合屏', en: 'Lobby LED board' },
  call_pad: { zh: '窗口呼叫器', en: 'Call pads' },
  evaluator: { zh: '评价器', en: 'Rating pads' },
};

const STATE_TEXT: Record<string, Bilingual> = {
  connecting: { zh: '正在连接', en: 'Connecting' },
  online: { zh: '正常', en: 'Working' },
  offline: { zh: '未连接', en: 'Not connected' },
  cover_open: { zh: '机盖打开', en: 'Cover open' },
  paper_near_end: { zh: '纸将用完', en: 'Paper running low' },
  paper_end: { zh: '缺纸', en: 'Out of paper' },
  cutter_error: { zh: '切纸刀故障', en: 'Paper cutter jammed' },
  error: { zh: '故障', en: 'Fault' },
};

const PAPER: Bilingual = {
  zh: '打开取号机下方的打印机盖，取出旧纸芯，放入新纸卷（热敏面朝外，纸头从出纸口拉出约 5 厘米），合上盖子。',
  en: 'Open the printer cover under the kiosk, take out the empty core, put in a new roll (printed side facing out, pull about 5 cm out of the slot) and close the cover.',
};

const HELP: Record<string, Bilingual> = {
  paper_end: PAPER,
  paper_near_end: { zh: `纸卷快用完了，请尽快更换。${PAPER.zh}`, en: `The roll is nearly empty; change it soon. ${PAPER.en}` },
  cover_open: { zh: '把打印机盖按下直到听到“咔”一声。', en: 'Press the printer cover down until it clicks.' },
  cutter_error: {
    zh: '打开打印机盖，取出卡住的纸，合上盖子；仍不行请联系科技支持。',
    en: 'Open the printer cover, remove the jammed paper and close it; if it stays, call IT support.',
  },
  offline: {
    zh: '检查设备电源和数据线是否插好；拔下电源等 10 秒再插上，设备会自动重新连接。',
    en: 'Check the power and data cables; unplug the power for 10 seconds and plug it back in: the device reconnects by itself.',
  },
  error: { zh: '重启设备（拔电源 10 秒）；仍不行请联系科技支持。', en: 'Restart the device (unplug the power for 10 seconds); if it stays, call IT support.' },
  connecting: { zh: '设备正在连接，稍等片刻。', en: 'The device is connecting; wait a moment.' },
};

/** "取号机打印机 · Ticket printer"; a device of an unknown kind keeps its id. */
export function deviceName(kind: string, id: string): Bilingual {
  return KIND_NAMES[kind] ?? { zh: `设备 ${id}`, en: `Device ${id}` };
}

export function deviceStateText(state: string): Bilingual {
  return STATE_TEXT[state] ?? { zh: state, en: state };
}

/** What staff do about a device in this state; undefined when it works. */
export function deviceHelp(state: string): Bilingual | undefined {
  return HELP[state];
}
