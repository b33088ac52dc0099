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
}

/** A hosted list, as the list host stores it. */
export interface HostedList {
  readonly address: string;
  readonly name?: string;
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

/**
 * Handles control message `payload` from `from` to `list`. Answers from the list
 * (confirmRequired, subscribed, unsubscribed, refused) are not control messages and
 * get no answer.
 */
export function handleListControl(
  list: HostedList,
  from: SenderIdentity,
  payload: ListPayload,
  makeToken: () => string = newListToken,
): ListHostResult {
  const to = from.address;
  const answer = (reply: ListPayload): ListHostResult['answers'] => [{ to, payload: reply }];
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
      const token = makeToken();
      return {
        list: withConfirmation(list, { address: to, action: 'subscribe', token }),
        answers: answer({
          kind: 'confirmRequired',
          list: list.address,
          action: 'subscribe',
          token,
        }),
      };
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
      const token = makeToken();
      return {
        list: withConfirmation(list, { address: to, action: 'unsubscribe', token }),
        answers: answer({
          kind: 'confirmRequired',
          list: list.address,
          action: 'unsubscribe',
          token,
        }),
      };
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
