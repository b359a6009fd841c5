/**
 * The slow PIN hash runs for at most a few sign-ins at a time (half the machine's cores, at
 * least one), so a flood of sign-ins cannot take every core from the queue. Waiting sign-ins
 * take turns by client address, so a crowd from one address does not hold up a teller at
 * another; past a bounded wait list, a sign-in is refused at once with LOGIN_BUSY instead of
 * waiting behind the flood. Sign-ins from a device where that staff member signed in before go
 * first (their own lanes, not counted against the wait list), so a flood from many addresses
 * still leaves the tellers' own counters signing in at once.
 */
import { availableParallelism } from 'node:os';
import { DomainError } from '../common/errors.js';

/** Sign-ins that may wait for a turn (outside the staff's own devices), and for how long. */
export const MAX_WAITING = 16;
export const MAX_WAITING_PER_ADDRESS = 4;
// Well under the HTTP layer's idle timeout: a sign-in is answered, never cut off.
export const MAX_WAIT_MS = 10_000;

const busy = () => new DomainError('LOGIN_BUSY', 'Sign-in is busy right now; try again in a few seconds.', { retryAfterSeconds: 2 });

export class PinHashQueue {
  private running = 0;
  private waitingCount = 0;
  // One lane per address; a Map iterates in insertion order, which is the turn order.
  private readonly lanes = new Map<string, (() => void)[]>();
  private readonly priorityLanes = new Map<string, (() => void)[]>();

  constructor(
    private readonly concurrency = Math.max(1, Math.floor(availableParallelism() / 2)),
    private readonly maxWaiting = MAX_WAITING,
    private readonly maxWaitingPerAddress = MAX_WAITING_PER_ADDRESS,
    private readonly maxWaitMs = MAX_WAIT_MS,
  ) {}

  /** Waits for a turn; the returned function ends it. `known`: the staff member's own device goes first. */
  acquire(address: string, known = false): Promise<() => void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    const lanes = known ? this.priorityLanes : this.lanes;
    const lane = lanes.get(address) ?? [];
    if ((!known && this.waitingCount >= this.maxWaiting) || lane.length >= this.maxWaitingPerAddress) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      const start = () => {
        clearTimeout(timer);
        resolve(this.releaser());
      };
      // A turn that does not come in time is given up: the sign-in is told to come back.
      const timer = setTimeout(() => {
        const i = lane.indexOf(start);
        if (i < 0) return;
        lane.splice(i, 1);
        if (lane.length === 0 && lanes.get(address) === lane) lanes.delete(address);
        if (!known) this.waitingCount--;
        reject(busy());
      }, this.maxWaitMs);
      lane.push(start);
      lanes.set(address, lane);
      if (!known) this.waitingCount++;
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running--;
      this.next();
    };
  }

  private next(): void {
    const known = this.priorityLanes.size > 0;
    const lanes = known ? this.priorityLanes : this.lanes;
    const first = lanes.entries().next();
    if (first.done) return;
    const [address, lane] = first.value;
    const start = lane.shift()!;
    if (!known) this.waitingCount--;
    // This address goes to the back of the turn order.
    lanes.delete(address);
    if (lane.length > 0) lanes.set(address, lane);
    this.running++;
    start();
  }
}
