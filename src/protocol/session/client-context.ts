import type { Mt2Response } from '../codec/frames.ts';
import { Mt2Error } from '../errors.ts';
import { RESULT } from '../result-codes.ts';
import type { Endpoint } from './endpoint.ts';
import type { TransferExtension } from './extension.ts';
import type { PullReceiver } from './pull-receiver.ts';

/**
 * A counting semaphore whose capacity may change (it follows the transfer mode).
 * Waiters are served first come, first served.
 */
export class Slots {
  private used = 0;
  private readonly waiters: (() => void)[] = [];

  /** @param capacity read on every acquire and release */
  constructor(private readonly capacity: () => number) {}

  /** Resolves once a slot is held; give it back with {@link release}. */
  acquire(): Promise<void> {
    if (this.waiters.length === 0 && this.used < this.capacity()) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.pump();
    });
  }

  /** Gives a slot back. */
  release(): void {
    this.used--;
    this.pump();
  }

  private pump(): void {
    while (this.waiters.length > 0 && this.used < this.capacity()) {
      this.used++;
      this.waiters.shift()?.();
    }
  }
}

/** What the client verb modules work with (src/protocol/verbs). */
export interface ClientContext {
  readonly endpoint: Endpoint;
  /** Client-side halves of the transfer extensions, by name. */
  readonly extensions: ReadonlyMap<string, TransferExtension>;
  /** Extension names the server listed in HELO's OK. */
  offered: readonly string[];
  /** Each offered extension's capabilities, the values of its group in HELO's OK. */
  capabilities: ReadonlyMap<string, readonly string[]>;
  /** One per XFER fragment in flight: 1 when synchronous, else the peers' smaller maxInFlight - 1. */
  readonly transferSlots: Slots;
  /** One per message in progress (the server bounds open messages by maxInFlight). */
  readonly messageSlots: Slots;
  /** The server's XFERs for our mailbox PULLs. */
  readonly pulls: PullReceiver;
}

/** What sending a part needs: the client's context, or a server's when PULL makes it send. */
export type SenderContext = Pick<ClientContext, 'endpoint' | 'transferSlots'>;

/**
 * A final response as a value, or its ERR as a thrown {@link Mt2Error}: REFUSED with the
 * peer's code in `result`, or ABORTED when the peer says the command was killed.
 */
export function okOrThrow(response: Mt2Response): Mt2Response {
  if (response.status === 'OK') return response;
  const code = response.code === RESULT.TRANSFER_ABORTED ? 'ABORTED' : 'REFUSED';
  throw new Mt2Error(
    code,
    response.text === '' ? response.code : response.text,
    response.code,
    response.groups,
  );
}

/** @throws Mt2Error WRONG_STATE unless the session is in one of `states`. */
export function requireState(context: SenderContext, verb: string, ...states: string[]): void {
  const state = context.endpoint.state;
  if (!states.includes(state)) {
    throw new Mt2Error('WRONG_STATE', `${verb} is not allowed in state ${state}`);
  }
}
