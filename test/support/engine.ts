/** A queue engine on a small test branch, with commands that decide and apply like the service. */
import { parseConfigText } from '../../config/load-config.js';
import { QueueEngine, type Outcome } from '../../core/engine.js';
import type { EventDraft } from '../../core/events.js';

export const TEST_BRANCH_YAML = `
branch:
  id: t1
  name: { zh: 测试支行, en: Test }
  timeZone: Asia/Shanghai
  hours: { mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00" }
services:
  - { code: A, prefix: A, name: { zh: 现金, en: Cash }, targetWaitMinutes: 15, typicalServiceMinutes: 4 }
  - { code: B, prefix: B, name: { zh: 转账, en: Transfers }, targetWaitMinutes: 15, typicalServiceMinutes: 6 }
  - { code: C, prefix: C, name: { zh: 理财, en: Wealth }, targetWaitMinutes: 20, typicalServiceMinutes: 10 }
counters:
  - { id: "1", primary: [A], secondary: [B] }
  - { id: "2", primary: [B], secondary: [A] }
  - { id: "3", primary: [C] }
rules: { fairnessCap: 2, maxRecalls: 2, maxRejoins: 1 }
`;

export function testConfig(yaml = TEST_BRANCH_YAML) {
  return parseConfigText(yaml, 'test.yaml').queue;
}

export class EngineHarness {
  readonly engine: QueueEngine;
  readonly events: EventDraft[] = [];
  now: number;
  private ids = 0;

  constructor(yaml = TEST_BRANCH_YAML, start = Date.UTC(2026, 10, 30, 2, 0)) {
    this.now = start;
    this.engine = new QueueEngine(testConfig(yaml), { tickets: [], counters: [], sequences: [] }, () => `t${++this.ids}`, start);
  }

  run<R>(decide: (now: number) => Outcome<R>): R {
    const roll = this.engine.rollover(this.now);
    if (roll) this.commit(roll);
    return this.commit(decide(this.now));
  }

  private commit<R>(out: Outcome<R>): R {
    this.engine.apply(out);
    this.events.push(...out.events);
    return out.result;
  }

  tick(minutes: number): this {
    this.now += minutes * 60_000;
    return this;
  }

  issue(serviceCode: string, segment = 'regular') {
    return this.run((t) => this.engine.issue({ serviceCode, segment }, t));
  }

  open(counter: string, staffId = `s${counter}`) {
    return this.run((t) => this.engine.open(counter, { staffId }, t));
  }

  next(counter: string) {
    return this.run((t) => this.engine.callNext(counter, { staffId: `s${counter}` }, t));
  }

  /** Completes the ticket at the counter (Call next never completes one that was only called). */
  finish(counter: string) {
    return this.run((t) => this.engine.complete(counter, { staffId: `s${counter}` }, t));
  }

  /** Starts the service of a ticket only called at the counter, so that Call next may complete it. */
  startIfCalled(counter: string): void {
    const id = this.engine.counter(counter).currentTicketId;
    if (id && this.engine.ticket(id)?.status === 'called') this.run((t) => this.engine.start(counter, { staffId: `s${counter}` }, t));
  }

  /** Calls next and completes it, returning the called ticket's number (or null). */
  serveNext(counter: string): string | null {
    const t = this.next(counter);
    if (!t) return null;
    this.run((n) => this.engine.complete(counter, { staffId: `s${counter}` }, n));
    return t.number;
  }
}
