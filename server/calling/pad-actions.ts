/**
 * What a call-pad key does. A pad is a second keyboard for the teller console of its counter:
 * the same commands of the branch service as the console's, recorded as the staff member who opened the
 * counter (the counter state's staffId). A pad never signs anyone in: at a closed counter every
 * key only shows "未开窗 请登录" (open the counter at the console, with staff id and PIN, first).
 *
 * Keys that need a choice are two-step: `transfer`, digits (the service's place in the
 * configuration, 1 = first), `enter`; `pause`, optional digits (the pause reason's place,
 * default the first), `enter`; `clear` abandons the choice.
 */
import { isDomainError } from '../../common/errors.js';
import type { CallPadKey } from '../../drivers/callpad/protocol.js';
import type { BranchService } from '../branch-service.js';
import type { Logger } from '../logger.js';
import { PAD_TEXT, padErrorText } from './call-text.js';

type Pending = { kind: 'transfer' | 'pause'; digits: string };

export interface PadFeedback {
  /** A message to flash on the pad instead of its normal screen; undefined: show the normal screen. */
  message?: string;
}

export class PadActions {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly service: BranchService,
    private readonly log: Logger,
  ) {}

  /** Runs one key press for a counter; never throws. */
  press(counterId: string, key: CallPadKey): PadFeedback {
    try {
      return this.run(counterId, key);
    } catch (err) {
      if (isDomainError(err)) {
        this.log.info({ counter: counterId, key, code: err.code }, 'call-pad key refused');
        return { message: padErrorText(err.code) };
      }
      this.log.error({ err, counter: counterId, key }, 'call-pad key failed');
      return { message: PAD_TEXT.failed };
    }
  }

  private run(counterId: string, key: CallPadKey): PadFeedback {
    const service = this.service;
    const state = service.counterState(counterId);
    if (state.status === 'closed') {
      this.pending.delete(counterId);
      return { message: PAD_TEXT.closed };
    }
    const actor = { staffId: state.staffId };
    const pending = this.pending.get(counterId);

    if (pending && /^\d$/.test(key)) {
      if (pending.digits.length < 2) pending.digits += key;
      return { message: pending.kind === 'transfer' ? PAD_TEXT.transferPrompt(pending.digits) : PAD_TEXT.pausePrompt(pending.digits) };
    }
    if (key === 'clear') {
      this.pending.delete(counterId);
      return {};
    }
    if (key === 'enter') {
      if (!pending) return {};
      this.pending.delete(counterId);
      const index = pending.digits === '' ? (pending.kind === 'pause' ? 1 : 0) : Number(pending.digits);
      if (pending.kind === 'transfer') {
        const target = this.service.queueConfig.services[index - 1];
        if (!target) return { message: padErrorText('UNKNOWN_SERVICE') };
        service.transfer(counterId, target.code, actor);
      } else {
        const reason = this.service.queueConfig.rules.pauseReasons[index - 1];
        if (!reason) return { message: padErrorText('UNKNOWN_PAUSE_REASON') };
        service.pause(counterId, reason.code, actor);
      }
      return {};
    }
    this.pending.delete(counterId);
    switch (key) {
      case 'next':
        // 204: nobody waits for this counter's services.
        return service.callNext(counterId, actor).status === 204 ? { message: PAD_TEXT.noneWaiting } : {};
      case 'recall':
        service.recall(counterId, actor);
        return {};
      case 'start':
        service.start(counterId, actor);
        return {};
      case 'complete':
        service.complete(counterId, actor);
        return {};
      case 'no_show':
        service.noShow(counterId, actor);
        return {};
      case 'resume':
        service.resume(counterId, actor);
        return {};
      case 'transfer':
        this.pending.set(counterId, { kind: 'transfer', digits: '' });
        return { message: PAD_TEXT.transferPrompt('') };
      case 'pause':
        this.pending.set(counterId, { kind: 'pause', digits: '' });
        return { message: PAD_TEXT.pausePrompt('') };
      default:
        // A digit with no choice open means nothing.
        return {};
    }
  }
}
