// Mailing-list management, the list's side: pure logic that mt2d's list host runs for
// each control message to a list address. Subscribing always needs a confirmation
// with a token sent to the address (nobody can subscribe someone else); leaving is one
// step for a verified member, and needs a confirmation otherwise.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SenderIdentity } from '../recipient/context.ts';
import { addressKey } from '../recipient/state.ts';
import type { ListAction, ListPayload } from './payload.ts';

/** A confirmation the list is waiting for. */
export interface PendingConfirmation {
  readonly address: string;
  readonly action: ListAction;
  readonly token: string;
  /** After this the token is no longer accepted, and the entry is dropped. */
  readonly expiresAt: Date;
}

/** How long a confirmation token is accepted by default: 3 days, in milliseconds. */
export const LIST_CONFIRMATION_TTL_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * Most confirmations a list waits for at once by default: 1000. Past it, new
 * subscriptions are refused with TRY_LATER, so a flood of forged requests cannot grow
 * the list's state without bound.
 */
export const MAX_LIST_CONFIRMATIONS = 1000;

/** Options of {@link handleListControl}. */
export interface ListHostOptions {
  /** The time now (default: `new Date()`). */
  readonly now?: Date;
  /** Makes confirmation tokens (default {@link newListToken}). */
  readonly makeToken?: () => string;
  /** Token lifetime in milliseconds (default {@link LIST_CONFIRMATION_TTL_MS}). */
  readonly confirmationTtlMs?: number;
  /** Most pending confirmations (default {@link MAX_LIST_CONFIRMATIONS}). */
  readonly maxConfirmations?: number;
}

/** A hosted list, as the list host stores it. */
export interface HostedList {
  readonly address: string;
  readonly name?: string;
  /** A closed list takes no subscriptions (members are added by its owner). */
  readonly closed?: boolean;
  /** Member addresses, in joining order. */
  readonly members: readonly string[];
  readonly confirmations: readonly PendingConfirmation[];
}

/** What handling one control message did: the list afterwards and the answers to send. */
export interface ListHostResult {
  readonly list: HostedList;
  readonly answers: readonly { readonly to: string; readonly payload: ListPayload }[];
}

/** A fresh confirmation token: 128 random bits, base64url. */
export function newListToken(): string {
  return randomBytes(16).toString('base64url');
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function isMember(list: HostedList, address: string): boolean {
  return list.members.some((member) => addressKey(member) === addressKey(address));
}

function withConfirmation(list: HostedList, confirmation: PendingConfirmation): HostedList {
  const others = list.confirmations.filter(
    (entry) =>
      !(
        addressKey(entry.address) === addressKey(confirmation.address) &&
        entry.action === confirmation.action
      ),
  );
  return { ...list, confirmations: [...others, confirmation] };
}

function withoutExpired(list: HostedList, now: Date): HostedList {
  const confirmations = list.confirmations.filter((entry) => entry.expiresAt > now);
  return confirmations.length === list.confirmations.length ? list : { ...list, confirmations };
}

/**
 * Handles control message `payload` from `from` to `hosted`. Answers from the list
 * (confirmRequired, subscribed, unsubscribed, refused) are not control messages and
 * get no answer. Expired confirmations are dropped first.
 */
export function handleListControl(
  hosted: HostedList,
  from: SenderIdentity,
  payload: ListPayload,
  options: ListHostOptions = {},
): ListHostResult {
  const now = options.now ?? new Date();
  const list = withoutExpired(hosted, now);
  const makeToken = options.makeToken ?? newListToken;
  const expiresAt = new Date(
    now.getTime() + (options.confirmationTtlMs ?? LIST_CONFIRMATION_TTL_MS),
  );
  const full = list.confirmations.length >= (options.maxConfirmations ?? MAX_LIST_CONFIRMATIONS);
  const to = from.address;
  const answer = (reply: ListPayload): ListHostResult['answers'] => [{ to, payload: reply }];
  /** Asks the sender to confirm (a pending confirmation), unless too many are pending. */
  const confirmFirst = (action: 'subscribe' | 'unsubscribe'): ListHostResult => {
    if (full) {
      return {
        list,
        answers: answer({ kind: 'refused', list: list.address, reason: 'TRY_LATER' }),
      };
    }
    const token = makeToken();
    return {
      list: withConfirmation(list, { address: to, action, token, expiresAt }),
      answers: answer({ kind: 'confirmRequired', list: list.address, action, token }),
    };
  };
  switch (payload.kind) {
    case 'subscribe': {
      if (isMember(list, to))
        return {
          list,
          answers: answer({
            kind: 'subscribed',
            list: list.address,
            ...(list.name === undefined ? {} : { name: list.name }),
          }),
        };
      if (list.closed === true) {
        return { list, answers: answer({ kind: 'refused', list: list.address, reason: 'CLOSED' }) };
      }
      return confirmFirst('subscribe');
    }
    case 'unsubscribe': {
      if (!isMember(list, to))
        return {
          list,
          answers: answer({ kind: 'refused', list: list.address, reason: 'NOT_MEMBER' }),
        };
      if (from.verified) {
        const members = list.members.filter((member) => addressKey(member) !== addressKey(to));
        return {
          list: { ...list, members },
          answers: answer({ kind: 'unsubscribed', list: list.address }),
        };
      }
      return confirmFirst('unsubscribe');
    }
    case 'confirm': {
      const waiting = list.confirmations.find(
        (entry) => addressKey(entry.address) === addressKey(to) && entry.action === payload.action,
      );
      if (waiting === undefined || !sameToken(waiting.token, payload.token)) {
        return {
          list,
          answers: answer({ kind: 'refused', list: list.address, reason: 'TOKEN_MISMATCH' }),
        };
      }
      const confirmations = list.confirmations.filter((entry) => entry !== waiting);
      if (payload.action === 'subscribe') {
        const members = isMember(list, to) ? list.members : [...list.members, to];
        return {
          list: { ...list, members, confirmations },
          answers: answer({
            kind: 'subscribed',
            list: list.address,
            ...(list.name === undefined ? {} : { name: list.name }),
          }),
        };
      }
      const members = list.members.filter((member) => addressKey(member) !== addressKey(to));
      return {
        list: { ...list, members, confirmations },
        answers: answer({ kind: 'unsubscribed', list: list.address }),
      };
    }
    default:
      return { list, answers: [] };
  }
}
