import type { MessageRef } from '../api/index.ts';
import { ENGINE_ERROR, engineError } from './errors.ts';

/** A message's place in the local store. */
export interface MessageKey {
  readonly accountId: string;
  readonly msgId: string;
}

/** The API's message ref: `<account id>/<msg-id>` (account ids have no `/`). */
export function messageRef(key: MessageKey): MessageRef {
  return `${key.accountId}/${key.msgId}`;
}

/** @throws ApiError ENGINE_UNKNOWN_MESSAGE for a ref this engine never made. */
export function parseRef(ref: MessageRef): MessageKey {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) {
    throw engineError(ENGINE_ERROR.UNKNOWN_MESSAGE, 'There is no such message.');
  }
  return { accountId: ref.slice(0, slash), msgId: ref.slice(slash + 1) };
}

/**
 * Outgoing copies (outbox, sent) are stored under `sent:<msg-id>`, so a message sent to
 * oneself exists twice: the copy that left, and the one that arrived in the inbox.
 */
const OUTGOING_PREFIX = 'sent:';

/** The local store key of the outgoing copy of `msgId`. */
export function outgoingKey(msgId: string): string {
  return `${OUTGOING_PREFIX}${msgId}`;
}

/** The MT2 msg-id of a stored message (outgoing copies carry the prefix locally only). */
export function wireMsgId(storedMsgId: string): string {
  return storedMsgId.startsWith(OUTGOING_PREFIX)
    ? storedMsgId.slice(OUTGOING_PREFIX.length)
    : storedMsgId;
}
