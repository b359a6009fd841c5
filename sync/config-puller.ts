/**
 * Configuration down: pulls the newest snapshot head office has for this branch (at start, when
 * the hint socket says a version is waiting, and every few minutes when the socket is down),
 * checks it, applies it or refuses it, and reports which to head office. A report that cannot
 * be sent is kept and sent later; a refused version is not pulled again.
 */
import WebSocket from 'ws';
import type { BranchStore } from '../db/branch-store.js';
import type { Logger } from '../server/logger.js';
import { applySnapshot, APPLIED_VERSION_KEY, checkSnapshot, type ApplyTarget } from './apply-config.js';
import { Backoff } from './backoff.js';
import type { HqClient } from './hq-client.js';
import { configAnswerSchema, hintSchema } from './protocol.js';

const REFUSED_KEY = 'hq.config.refused';
const REPORT_KEY = 'hq.config.report_pending';

export interface ConfigStatus {
  appliedVersion: number;
  refusedVersion: number;
  lastProblems: string[];
  lastCheckAt: number | null;
  hintConnected: boolean;
}

export class ConfigPuller {
  private timer: NodeJS.Timeout | undefined;
  private socket: WebSocket | undefined;
  private stopped = true;
  private busy: Promise<void> | undefined;
  private again = false;
  private readonly socketBackoff = new Backoff({ baseMs: 1000, capMs: 60_000 });
  private lastProblems: string[] = [];
  private lastCheckAt: number | null = null;

  constructor(
    private readonly o: {
      client: HqClient;
      store: Pick<BranchStore, 'getMeta' | 'setMeta' | 'staff'>;
      branchId: () => string;
      target: ApplyTarget;
      log: Logger;
      pollMs?: number;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.pull();
    this.timer = setInterval(() => this.pull(), this.o.pollMs ?? 5 * 60_000);
    this.timer.unref();
    this.connectHints();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.socket?.terminate();
    await this.busy;
  }

  status(): ConfigStatus {
    return {
      appliedVersion: Number(this.o.store.getMeta(APPLIED_VERSION_KEY) ?? 0),
      refusedVersion: Number(this.o.store.getMeta(REFUSED_KEY) ?? 0),
      lastProblems: this.lastProblems,
      lastCheckAt: this.lastCheckAt,
      hintConnected: this.socket?.readyState === WebSocket.OPEN,
    };
  }

  /** Pulls now (or right after the pull under way). Resolves when done. */
  pull(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return this.busy;
    }
    this.busy = (async () => {
      do {
        this.again = false;
        try {
          await this.pullOnce();
        } catch (err) {
          this.o.log.warn({ err: (err as Error).message }, 'configuration pull from head office failed; will retry');
        }
      } while (this.again && !this.stopped);
    })().finally(() => (this.busy = undefined));
    return this.busy;
  }

  private async sendPendingReport(): Promise<void> {
    const pending = this.o.store.getMeta(REPORT_KEY);
    if (!pending) return;
    const r = await this.o.client.request('POST', '/api/sync/config/report', JSON.parse(pending));
    if (r.status === 200 || r.status === 404) this.o.store.setMeta(REPORT_KEY, '');
  }

  private report(version: number, status: 'applied' | 'refused', problems: string[]): Promise<void> {
    this.o.store.setMeta(REPORT_KEY, JSON.stringify({ version, status, problems: problems.slice(0, 100).map((p) => p.slice(0, 500)) }));
    return this.sendPendingReport();
  }

  private async pullOnce(): Promise<void> {
    await this.sendPendingReport();
    const applied = Number(this.o.store.getMeta(APPLIED_VERSION_KEY) ?? 0);
    const refused = Number(this.o.store.getMeta(REFUSED_KEY) ?? 0);
    const r = await this.o.client.request('GET', `/api/sync/config?after=${Math.max(applied, refused)}`);
    this.lastCheckAt = Date.now();
    if (r.status === 204) return;
    if (r.status !== 200) throw new Error(`head office answered ${r.status}`);
    const answer = configAnswerSchema.parse(r.body);
    const checked = checkSnapshot(answer.snapshot, answer.version, { branchId: this.o.branchId(), store: this.o.store });
    if (!checked.ok) {
      this.lastProblems = checked.problems;
      this.o.store.setMeta(REFUSED_KEY, String(answer.version));
      this.o.log.error({ version: answer.version, problems: checked.problems }, 'refused a configuration from head office; keeping the current one');
      await this.report(answer.version, 'refused', checked.problems);
      return;
    }
    applySnapshot(answer.snapshot, answer.version, checked, this.o.target);
    this.lastProblems = [];
    this.o.log.info({ version: answer.version }, 'applied the configuration from head office');
    await this.report(answer.version, 'applied', []);
  }

  private connectHints(): void {
    if (this.stopped) return;
    const url = new URL('/api/sync/hints', this.o.client.base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const auth = this.o.client.authorization();
    const ws = new WebSocket(url, { headers: auth ? { authorization: auth } : {}, ...(this.o.client.ca ? { ca: this.o.client.ca } : {}), handshakeTimeout: 15_000 });
    this.socket = ws;
    ws.on('open', () => {
      this.socketBackoff.reset();
      // Anything published while the socket was down.
      void this.pull();
    });
    ws.on('message', (m) => {
      let hint: unknown;
      try {
        hint = JSON.parse(String(m));
      } catch {
        return;
      }
      if (hintSchema.safeParse(hint).success) void this.pull();
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (this.stopped) return;
      const t = setTimeout(() => this.connectHints(), this.socketBackoff.next());
      t.unref();
    });
  }
}
