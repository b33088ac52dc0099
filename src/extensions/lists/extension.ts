// Mailing-list management, the member's side: the list's answers and confirmation
// requests, checked against what the user asked for. Control requests (subscribe,
// unsubscribe, confirm) go to a list address; a person's client refuses them.
import { MAILING_LIST_OID } from '../oids.ts';
import { ExtensionError } from '../recipient/errors.ts';
import type {
  HandlerContext,
  HandlerOutcome,
  RecipientExtension,
  UserAction,
} from '../recipient/spec.ts';
import { addressKey, deleteState, putState, type StateReader } from '../recipient/state.ts';
import { LIST_NAMESPACE, decodeList, encodeList, type ListPayload } from './payload.ts';
import type { ListMembership, MembershipStatus } from './record.ts';

function membershipFromList(list: string, context: HandlerContext): ListMembership | undefined {
  if (addressKey(list) !== addressKey(context.message.sender.address)) {
    throw new ExtensionError(
      'LIST_NOT_REQUESTED',
      `${context.message.sender.address} cannot answer for the list ${list}`,
    );
  }
  return context.state.get('listMemberships', addressKey(list));
}

function requireStatus(
  membership: ListMembership | undefined,
  list: string,
  allowed: readonly MembershipStatus[],
): ListMembership {
  if (membership === undefined || !allowed.includes(membership.status)) {
    throw new ExtensionError('LIST_NOT_REQUESTED', `you did not ask ${list} for this`);
  }
  return membership;
}

function handleFromList(
  payload: ListPayload,
  context: HandlerContext,
): HandlerOutcome<ListPayload> {
  const membership = membershipFromList(payload.list, context);
  const key = addressKey(payload.list);
  const since = context.message.receivedAt;
  switch (payload.kind) {
    case 'confirmRequired': {
      const current = requireStatus(
        membership,
        payload.list,
        payload.action === 'subscribe' ? ['joining', 'confirming'] : ['leaving'],
      );
      const next: ListMembership = {
        ...current,
        status: payload.action === 'subscribe' ? 'confirming' : 'leaving',
        since,
      };
      return {
        summary: `${payload.list} asks you to confirm that you want to ${payload.action}`,
        replies: [
          {
            to: payload.list,
            payload: {
              kind: 'confirm',
              list: payload.list,
              action: payload.action,
              token: payload.token,
            },
          },
        ],
        writes: [putState('listMemberships', key, next)],
      };
    }
    case 'subscribed': {
      const current = requireStatus(membership, payload.list, ['joining', 'confirming']);
      const { name: _previous, ...rest } = current;
      const next: ListMembership = {
        ...rest,
        status: 'member',
        since,
        ...(payload.name === undefined ? {} : { name: payload.name }),
      };
      return {
        summary: `you are now on ${payload.list}`,
        replies: [],
        writes: [putState('listMemberships', key, next)],
      };
    }
    case 'unsubscribed':
      if (membership === undefined) {
        throw new ExtensionError('LIST_NOT_MEMBER', `you are not on ${payload.list}`);
      }
      return {
        summary: `you have left ${payload.list}`,
        replies: [],
        writes: [deleteState('listMemberships', key)],
      };
    case 'refused': {
      const current = requireStatus(membership, payload.list, ['joining', 'confirming', 'leaving']);
      const write =
        current.status === 'leaving'
          ? putState('listMemberships', key, { ...current, status: 'member', since })
          : deleteState('listMemberships', key);
      return {
        summary: `${payload.list} refused: ${payload.reason}`,
        replies: [],
        writes: [write],
      };
    }
    default:
      throw new ExtensionError(
        'EXTENSION_UNEXPECTED_KIND',
        `'${payload.kind}' is a request for a list host, not for a person`,
      );
  }
}

/** Mailing-list management (subscribe, unsubscribe, confirm) and the lists the user is on. */
export const listExtension: RecipientExtension<ListPayload> = {
  oid: MAILING_LIST_OID,
  version: 1,
  critical: false,
  namespace: LIST_NAMESPACE,
  decode: decodeList,
  encode: encodeList,
  subject(payload) {
    return `List ${payload.list}: ${payload.kind}`;
  },
  handle: handleFromList,
  declineNotice() {
    // Not confirming is the answer; the list lets the token expire.
    return undefined;
  },
};

/** Asks list `list` to subscribe the user (the list then asks for confirmation). */
export function subscribeToList(list: string, now: Date): UserAction<ListPayload> {
  const membership: ListMembership = { list, status: 'joining', since: now };
  return {
    to: [list],
    payload: { kind: 'subscribe', list },
    writes: [putState('listMemberships', addressKey(list), membership)],
  };
}

/** Asks list `list` to remove the user: one step for the user. */
export function unsubscribeFromList(
  state: StateReader,
  list: string,
  now: Date,
): UserAction<ListPayload> {
  const membership = state.get('listMemberships', addressKey(list));
  if (membership === undefined)
    throw new ExtensionError('LIST_NOT_MEMBER', `you are not on ${list}`);
  return {
    to: [list],
    payload: { kind: 'unsubscribe', list },
    writes: [
      putState('listMemberships', addressKey(list), {
        ...membership,
        status: 'leaving',
        since: now,
      }),
    ],
  };
}

/** The lists the user is a member of. */
export function listsImOn(state: StateReader): ListMembership[] {
  return state.list('listMemberships').filter((membership) => membership.status === 'member');
}
