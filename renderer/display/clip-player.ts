/**
 * Plays a sentence joined from short clips with Web Audio: each clip is fetched and decoded once
 * and kept in memory, so announcements go on with the network down. The clips of one sentence
 * are scheduled back to back on the audio clock (no gaps from timers).
 */
export class ClipPlayer {
  private ctx: AudioContext | undefined;
  private readonly buffers = new Map<string, Promise<AudioBuffer>>();

  /** The audio context, created on first use. A browser may keep it suspended until a user gesture. */
  context(): AudioContext {
    this.ctx ??= new AudioContext();
    return this.ctx;
  }

  get suspended(): boolean {
    return this.ctx?.state === 'suspended';
  }

  async resume(): Promise<void> {
    await this.context().resume();
  }

  /** Fetches and decodes a clip (cached; a failed load is retried next time). */
  load(url: string): Promise<AudioBuffer> {
    let b = this.buffers.get(url);
    if (!b) {
      b = fetch(url)
        .then((r) => {
          if (!r.ok) throw new Error(`clip ${url}: HTTP ${r.status}`);
          return r.arrayBuffer();
        })
        .then((data) => this.context().decodeAudioData(data));
      b.catch(() => this.buffers.delete(url));
      this.buffers.set(url, b);
    }
    return b;
  }

  /** Plays the clips in order at `rate` (1 = as recorded); resolves when the last one has ended. */
  async play(urls: string[], rate = 1): Promise<void> {
    const buffers = await Promise.all(urls.map((u) => this.load(u)));
    const ctx = this.context();
    if (ctx.state === 'suspended') await ctx.resume().catch(() => undefined);
    let at = ctx.currentTime + 0.05;
    const total = buffers.reduce((s, b) => s + b.duration, 0) / rate;
    await new Promise<void>((resolve) => {
      let last: AudioBufferSourceNode | undefined;
      for (const buffer of buffers) {
        const src = ctx.createBufferSource();
        src.buffer = buffer;
        src.playbackRate.value = rate;
        src.connect(ctx.destination);
        src.start(at);
        at += buffer.duration / rate;
        last = src;
      }
      // The audio clock may not run (no output device); never let one sentence block the queue.
      const watchdog = setTimeout(resolve, (total + 2) * 1000);
      if (!last) {
        clearTimeout(watchdog);
        resolve();
        return;
      }
      last.onended = () => {
        clearTimeout(watchdog);
        resolve();
      };
    });
  }
}
