/**
 * The lobby board's list: the latest calls, newest first, one row per ticket (a recall moves
 * the ticket back to the top instead of adding a second row).
 */
export interface RecentCall {
  ticketId: string;
  number: string;
  serviceCode: string;
  counterId: string;
  /** Epoch ms of the (re)call. */
  at: number;
  recall: boolean;
}

export class RecentCalls {
  private calls: RecentCall[] = [];

  constructor(private readonly limit: number) {}

  add(call: RecentCall): void {
    this.calls = [call, ...this.calls.filter((c) => c.ticketId !== call.ticketId)].slice(0, this.limit);
  }

  /** A ticket no longer called (transferred to a new number, cancelled, put back) leaves the board. */
  remove(ticketId: string): boolean {
    const before = this.calls.length;
    this.calls = this.calls.filter((c) => c.ticketId !== ticketId);
    return this.calls.length !== before;
  }

  /** A new business day starts with an empty board. */
  clear(): void {
    this.calls = [];
  }

  list(): RecentCall[] {
    return [...this.calls];
  }
}
