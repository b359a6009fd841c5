/**
 * The Idempotency-Keys of counter actions that were sent but never answered (the network
 * dropped). Pressing the same action again, even after a reload, sends the same key, so the
 * service answers it from the first attempt instead of acting twice: one "next" calls one
 * customer however often it is retried. Kept in the tab's sessionStorage; pure apart from it.
 */

/** Where the keys are kept (sessionStorage in the page); absent or failing: this page only. */
export interface KeyStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const STORAGE_KEY = 'branch-queue.teller.pending';

/** One action with one body at one counter is one pending entry: a different choice is a new action. */
export function actionId(counterId: string, action: string, body?: unknown): string {
  return `${counterId}/${action}/${JSON.stringify(body ?? null)}`;
}

function isKeyMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((k) => typeof k === 'string');
}

export class PendingKeys {
  /** Used when the storage is missing or refuses (private mode, quota). */
  private memory: Record<string, string> = {};

  constructor(
    private readonly storage: KeyStorage | undefined,
    private readonly newKey: () => string,
  ) {}

  /** The key to send for this action: the one of an unanswered attempt, else a new one, kept until answered. */
  take(id: string): string {
    const all = this.load();
    const key = all[id] ?? this.newKey();
    all[id] = key;
    this.save(all);
    return key;
  }

  /** The action got an answer (done or refused): its key is not reused. */
  forget(id: string): void {
    const all = this.load();
    if (!(id in all)) return;
    delete all[id];
    this.save(all);
  }

  /** Actions waiting for an answer. */
  pending(): string[] {
    return Object.keys(this.load());
  }

  private load(): Record<string, string> {
    try {
      const text = this.storage?.getItem(STORAGE_KEY);
      if (text === null || text === undefined) return { ...this.memory };
      const parsed: unknown = JSON.parse(text);
      // Something else wrote there: start afresh rather than send a key that is not ours.
      return isKeyMap(parsed) ? parsed : {};
    } catch {
      return { ...this.memory };
    }
  }

  private save(all: Record<string, string>): void {
    this.memory = { ...all };
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(all));
    } catch {
      /* storage off: the keys live for this page only */
    }
  }
}
