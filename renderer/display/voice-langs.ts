/**
 * The call phrase in each voice language: the text (shown in the announcement log and spoken by
 * a speech voice) and the same sentence as a list of pre-rendered clips
 * (static/voice/<lang>/<clip>.ogg, made by scripts/render-voice.sh). Adding a language = a
 * render_<lang> function in that script, its clips, and one entry here.
 */
export interface VoiceLanguage {
  code: string;
  /** BCP 47 tags a speech voice may carry for this language, best first. */
  speechTags: string[];
  /** The sentence as shown and as spoken by a speech voice. */
  text(number: string, counter: string): string;
  /** Text for a speech voice: characters of the ticket number spaced so they are read one by one. */
  speechText(number: string, counter: string): string;
  clips(number: string, counter: string): string[];
}

/** "A017" → ["A", "0", "1", "7"]: ticket numbers are read character by character. */
function chars(text: string): string[] {
  return [...text.toUpperCase()].filter((c) => /[A-Z0-9]/.test(c));
}

/** Chinese reading of a counter number: 3 → 三, 12 → 十二, 20 → 二十, 35 → 三十五; others by character. */
function chineseCounter(counter: string): string[] {
  if (!/^\d{1,2}$/.test(counter)) return chars(counter);
  const n = Number(counter);
  if (n < 10) return [String(n)];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return [...(tens === 1 ? [] : [String(tens)]), 'ten', ...(ones === 0 ? [] : [String(ones)])];
}

/** English reading of a counter number: 3 → three, 12 → twelve, 35 → thirty five; others by character. */
function englishCounter(counter: string): string[] {
  if (!/^\d{1,2}$/.test(counter)) return chars(counter);
  const n = Number(counter);
  if (n < 20) return [String(n)];
  const ones = n % 10;
  return [String(n - ones), ...(ones === 0 ? [] : [String(ones)])];
}

const spaced = (number: string) => chars(number).join(' ');

export const VOICE_LANGUAGES: Record<string, VoiceLanguage> = {
  zh: {
    code: 'zh',
    speechTags: ['zh-CN', 'cmn-Hans-CN', 'zh'],
    text: (n, c) => `请 ${n} 号 到 ${c} 号窗口 办理`,
    speechText: (n, c) => `请 ${spaced(n)} 号，到 ${c} 号窗口 办理`,
    clips: (n, c) => ['please', ...chars(n), 'number', 'to', ...chineseCounter(c), 'counter', 'handle'],
  },
  yue: {
    code: 'yue',
    speechTags: ['zh-HK', 'yue-HK', 'yue'],
    text: (n, c) => `請 ${n} 號 到 ${c} 號窗口 辦理`,
    speechText: (n, c) => `請 ${spaced(n)} 號，到 ${c} 號窗口 辦理`,
    clips: (n, c) => ['please', ...chars(n), 'number', 'to', ...chineseCounter(c), 'counter', 'handle'],
  },
  en: {
    code: 'en',
    speechTags: ['en-US', 'en-GB', 'en'],
    text: (n, c) => `Number ${n}, please go to counter ${c}`,
    speechText: (n, c) => `Number ${spaced(n)}, please go to counter ${c}`,
    clips: (n, c) => ['number', ...chars(n), 'please-go-to', 'counter', ...englishCounter(c)],
  },
};
