/**
 * The lobby's voice: every call becomes one announcement per configured language, played one
 * after another, never over each other: a chime, then the sentence in each language. A recall
 * is announced again. Each language speaks through a local speech voice when the browser has
 * one (speechSynthesis, local voices only: it must work with the network down), otherwise
 * through the bundled clips. `window.__announcements` lists every announcement and its state
 * (tests and support staff read it); the audio itself always runs.
 */
import { ClipPlayer } from './clip-player.js';
import { VOICE_LANGUAGES, type VoiceLanguage } from './voice-langs.js';

export type VoiceMode = 'auto' | 'clips' | 'speech' | 'off';

export interface Announcement {
  id: number;
  /** Event id of the call: announcements of one call share it. */
  eventId: number;
  kind: 'call' | 'recall';
  number: string;
  counter: string;
  lang: string;
  text: string;
  state: 'queued' | 'playing' | 'played' | 'failed' | 'skipped';
  via?: 'speech' | 'clips' | 'none';
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
  error?: string;
}

declare global {
  interface Window {
    __announcements: Announcement[];
  }
}

const CHIME_URL = '/static/voice/chime.wav';
const KEEP = 200;

export class Announcer {
  readonly log: Announcement[] = [];
  private readonly queue: Announcement[] = [];
  private readonly player = new ClipPlayer();
  private readonly languages: VoiceLanguage[];
  private running = false;
  private nextId = 1;
  private lastChimedEvent = -1;

  constructor(
    languages: string[],
    private readonly mode: VoiceMode,
    private readonly onChange: () => void = () => undefined,
    /** Speaking speed, 1 = normal (slower helps elderly customers; 0.5–4). */
    private readonly rate = 1,
  ) {
    this.languages = languages.map((l) => VOICE_LANGUAGES[l]).filter((l): l is VoiceLanguage => l !== undefined);
    const unknown = languages.filter((l) => !VOICE_LANGUAGES[l]);
    if (unknown.length) console.warn(`voice: no phrase set for ${unknown.join(', ')}; see docs/calling.md`);
    window.__announcements = this.log;
  }

  get languageCodes(): string[] {
    return this.languages.map((l) => l.code);
  }

  /** True when the browser blocks sound until someone clicks (autoplay policy). */
  get needsGesture(): boolean {
    return this.player.suspended;
  }

  async enableSound(): Promise<void> {
    await this.player.resume();
    this.onChange();
  }

  /** Loads the chime and every clip of the configured languages, so calls play with the network down. */
  preload(): void {
    if (this.mode === 'off' || this.mode === 'speech') return;
    const urls = [CHIME_URL];
    for (const l of this.languages) {
      const names = new Set<string>();
      for (let c = 1; c <= 99; c++) for (const n of l.clips('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', String(c))) names.add(n);
      for (const n of names) urls.push(clipUrl(l.code, n));
    }
    for (const u of urls) this.player.load(u).catch(() => undefined);
  }

  /** Queues a call in every language; returns the new announcements. */
  announce(call: { eventId: number; kind: 'call' | 'recall'; number: string; counter: string }): Announcement[] {
    const made = this.languages.map((l) => {
      const a: Announcement = {
        id: this.nextId++,
        eventId: call.eventId,
        kind: call.kind,
        number: call.number,
        counter: call.counter,
        lang: l.code,
        text: l.text(call.number, call.counter),
        state: this.mode === 'off' ? 'skipped' : 'queued',
        queuedAt: Date.now(),
      };
      return a;
    });
    this.log.push(...made);
    if (this.log.length > KEEP) this.log.splice(0, this.log.length - KEEP);
    if (this.mode !== 'off') this.queue.push(...made);
    this.onChange();
    void this.run();
    return made;
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let a = this.queue.shift(); a; a = this.queue.shift()) {
        a.state = 'playing';
        a.startedAt = Date.now();
        this.onChange();
        try {
          if (a.eventId !== this.lastChimedEvent) {
            this.lastChimedEvent = a.eventId;
            await this.player.play([CHIME_URL], this.rate).catch(() => undefined);
          }
          a.via = await this.speak(a);
          a.state = 'played';
        } catch (err) {
          a.state = 'failed';
          a.error = err instanceof Error ? err.message : String(err);
        }
        a.endedAt = Date.now();
        this.onChange();
      }
    } finally {
      this.running = false;
    }
  }

  private async speak(a: Announcement): Promise<'speech' | 'clips'> {
    const lang = VOICE_LANGUAGES[a.lang]!;
    const voice = this.mode === 'clips' ? undefined : localVoice(lang);
    if (voice) {
      await speakWith(voice, lang.speechText(a.number, a.counter), this.rate);
      return 'speech';
    }
    if (this.mode === 'speech') throw new Error(`no local speech voice for ${a.lang}`);
    await this.player.play(lang.clips(a.number, a.counter).map((c) => clipUrl(lang.code, c)), this.rate);
    return 'clips';
  }
}

function clipUrl(lang: string, clip: string): string {
  return `/static/voice/${lang}/${clip}.ogg`;
}

/** A speech voice installed on this machine for the language (network voices stop when offline). */
function localVoice(lang: VoiceLanguage): SpeechSynthesisVoice | undefined {
  if (typeof speechSynthesis === 'undefined') return undefined;
  const voices = speechSynthesis.getVoices().filter((v) => v.localService);
  for (const tag of lang.speechTags) {
    const t = tag.toLowerCase();
    const v = voices.find((x) => x.lang.toLowerCase() === t) ?? voices.find((x) => x.lang.toLowerCase().startsWith(`${t}-`));
    if (v) return v;
  }
  return undefined;
}

function speakWith(voice: SpeechSynthesisVoice, text: string, rate: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const u = new SpeechSynthesisUtterance(text);
    u.voice = voice;
    u.lang = voice.lang;
    u.rate = 0.9 * rate;
    // A speech engine that never reports the end must not hold up the next call.
    const watchdog = setTimeout(resolve, 4000 + text.length * 250);
    u.onend = () => {
      clearTimeout(watchdog);
      resolve();
    };
    u.onerror = (e) => {
      clearTimeout(watchdog);
      reject(new Error(`speech failed: ${e.error}`));
    };
    speechSynthesis.speak(u);
  });
}
