/**
 * The counters' evaluator pads (评价器), driven by the rating requests: a pad asks while its
 * counter's request waits and shows its welcome screen otherwise; a rating it sends is taken
 * through the rating command (channel `pad`) against the request's ticket, and the pad is told
 * the result (thanks, too late, already rated). Everything here only queues screens on the
 * driver, which never blocks: an unplugged pad never delays a service.
 *
 * Where the pads are: `counters[].devices.evaluator` in the branch file; the pad's bus address is
 * the URI's `address=N`, else the counter id when that is a number. In demo mode every numbered
 * counter without one gets a simulated pad on one line (`sim://evaluators`).
 */
import { isDomainError } from '../../common/errors.js';
import type { FeedbackSettings } from '../../config/feedback-schema.js';
import type { ConfigFile } from '../../config/schema.js';
import { scoreOfLevel } from '../../core/feedback.js';
import type { EvaluatorRating } from '../../drivers/evaluator/evaluator-device.js';
import { openEvaluator, parseEvaluatorTarget, type OpenedEvaluator } from '../../drivers/evaluator/open-evaluator.js';
import type { RatingOutcome } from '../../drivers/evaluator/protocol.js';
import { DomainError } from '../../common/errors.js';
import type { BranchService } from '../branch-service.js';
import type { DeviceRegistry } from '../devices.js';
import type { Logger } from '../logger.js';
import type { RatingCommands } from './rating-commands.js';
import type { RatingRequest, RatingRequests } from './rating-requests.js';

export const DEMO_EVALUATORS_URI = 'sim://evaluators';

export interface EvaluatorLinePlan {
  busKey: string;
  uri: string;
  /** Pad address → counter id. */
  counters: Map<number, string>;
}

const numericAddress = (counterId: string) => (/^\d{1,3}$/.test(counterId) && Number(counterId) >= 1 ? Number(counterId) : undefined);

/** Which evaluator lines the branch has and which counter each pad serves. Pure. */
export function planEvaluators(file: Pick<ConfigFile, 'counters'>, demo: boolean): EvaluatorLinePlan[] {
  const lines = new Map<string, EvaluatorLinePlan>();
  for (const c of file.counters) {
    const uri = c.devices.evaluator ?? (demo && numericAddress(c.id) !== undefined ? DEMO_EVALUATORS_URI : undefined);
    if (!uri) continue;
    const target = parseEvaluatorTarget(uri);
    const address = target.address ?? numericAddress(c.id);
    if (address === undefined) {
      throw new DomainError('BAD_DEVICE_URI', `evaluator URI "${uri}" of counter ${c.id}: the counter id is not a number, so the URI needs address=N`);
    }
    const line = lines.get(target.busKey) ?? { busKey: target.busKey, uri, counters: new Map<number, string>() };
    lines.set(target.busKey, line);
    const other = line.counters.get(address);
    if (other !== undefined && other !== c.id) {
      throw new DomainError('BAD_DEVICE_URI', `evaluators of counters ${other} and ${c.id} both have address ${address} on ${target.busKey}`);
    }
    line.counters.set(address, c.id);
  }
  return [...lines.values()];
}

export interface EvaluatorLine {
  plan: EvaluatorLinePlan;
  opened: OpenedEvaluator;
}

export interface EvaluatorPadsOptions {
  service: BranchService;
  registry: DeviceRegistry;
  file: ConfigFile;
  demo: boolean;
  requests: RatingRequests;
  ratings: RatingCommands;
  settings: FeedbackSettings;
  log: Logger;
}

export class EvaluatorPads {
  readonly lines: EvaluatorLine[] = [];
  private readonly pads = new Map<string, { line: EvaluatorLine; address: number }>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: EvaluatorPadsOptions) {
    for (const plan of planEvaluators(opts.file, opts.demo)) {
      const opened = openEvaluator(plan.uri, { id: `evaluator:${plan.busKey}`, logger: opts.log });
      const line = { plan, opened };
      opts.registry.add(opened.device);
      opened.device.setRatingHandler((r) => this.onRating(line, r));
      this.lines.push(line);
      for (const [address, counterId] of plan.counters) this.pads.set(counterId, { line, address });
    }
  }

  /** Paints every pad and follows the requests. The registry starts and stops the drivers. */
  start(): void {
    for (const { opened } of this.lines) opened.sim?.fake.start();
    this.unsubscribe = this.opts.requests.onChange((r) => this.paint(r.counterId, r));
    for (const counterId of this.pads.keys()) this.paint(counterId, this.opts.requests.current(counterId));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await Promise.allSettled(this.lines.map(({ opened }) => opened.sim?.fake.stop()));
  }

  /** Where a counter's pad is (lab). */
  padOf(counterId: string): { line: EvaluatorLine; address: number } | undefined {
    return this.pads.get(counterId);
  }

  private paint(counterId: string, r: RatingRequest | undefined): void {
    const pad = this.pads.get(counterId);
    if (!pad) return;
    const { device } = pad.line.opened;
    if (r?.state === 'waiting') {
      const seconds = Math.max(1, Math.min(255, Math.ceil((r.expiresAt - this.opts.service.clock()) / 1000)));
      device.ask(pad.address, { request: r.seq, levels: this.opts.settings.levels, seconds, reasons: this.opts.settings.reasons.length, text: `${r.number} 请您评价` });
    } else {
      const counter = this.opts.service.queueConfig.counters.find((c) => c.id === counterId);
      device.idle(pad.address, `${counter?.name.zh ?? `${counterId}号窗口`} 欢迎光临`);
    }
  }

  private onRating(line: EvaluatorLine, r: EvaluatorRating): RatingOutcome {
    const counterId = line.plan.counters.get(r.address);
    if (counterId === undefined) {
      this.opts.log.warn({ device: line.opened.device.id, address: r.address }, 'rating from an evaluator whose address is no configured counter; ignored');
      return 'refused';
    }
    const answer = this.opts.requests.answerable(counterId, r.request);
    if ('refused' in answer) return answer.refused === 'already_rated' ? 'already_rated' : 'expired';
    const reasons = r.reasons.map((i) => this.opts.settings.reasons[i]?.code).filter((c): c is string => c !== undefined);
    try {
      this.opts.ratings.rate(answer.request.ticketId, {
        score: scoreOfLevel(r.level, r.levels),
        levels: r.levels,
        reasons,
        channel: 'pad',
        deviceId: line.opened.device.id,
      });
      return 'recorded';
    } catch (err) {
      if (isDomainError(err) && err.code === 'ALREADY_RATED') return 'already_rated';
      if (isDomainError(err) && err.code === 'RATING_CLOSED') return 'expired';
      this.opts.log.warn({ err, counter: counterId }, 'evaluator pad rating refused');
      return 'refused';
    }
  }
}
