// Disposition notifications after RFC 8098: asked for when sending, answered only when
// the recipient decides. Never automatic when the notification would go to an address
// other than the (verified) sender (RFC 8098 section 2.1), and never a decline notice:
// a refusal sent back would itself tell that the message was seen.
import { DISPOSITION_OID } from '../oids.ts';
import { ExtensionError } from '../recipient/errors.ts';
import type {
  HandlerContext,
  HandlerOutcome,
  RecipientExtension,
  UserAction,
} from '../recipient/spec.ts';
import { addressKey, putState } from '../recipient/state.ts';
import {
  DISPOSITION_NAMESPACE,
  decodeDisposition,
  encodeDisposition,
  type DispositionPayload,
} from './payload.ts';
import type { DispositionRequestRecord } from './record.ts';

function answerRequest(
  notifyTo: string,
  context: HandlerContext,
): HandlerOutcome<DispositionPayload> {
  const { sender, messageId } = context.message;
  const elsewhere = addressKey(notifyTo) !== addressKey(sender.address);
  return {
    summary: elsewhere
      ? `${sender.address} asks to tell ${notifyTo} (a different address) that you have seen this message`
      : `${sender.address} asks to be told that you have seen this message`,
    replies: [
      {
        to: notifyTo,
        payload: { kind: 'notification', message: messageId, disposition: 'displayed' },
      },
    ],
    writes: [],
    ...(elsewhere ? { manualOnly: 'RETURN_ADDRESS_DIFFERS' as const } : {}),
  };
}

function takeNotification(
  payload: Extract<DispositionPayload, { kind: 'notification' }>,
  context: HandlerContext,
): HandlerOutcome<DispositionPayload> {
  const { sender, receivedAt } = context.message;
  const record = context.state.get('dispositionRequests', payload.message);
  const asked = record?.recipients.some(
    (recipient) => addressKey(recipient) === addressKey(sender.address),
  );
  if (record === undefined || asked !== true) {
    throw new ExtensionError(
      'DISPOSITION_NOT_REQUESTED',
      `no notification about ${payload.message} was asked of ${sender.address}`,
    );
  }
  const others = record.notifications.filter(
    (entry) => addressKey(entry.from) !== addressKey(sender.address),
  );
  const updated: DispositionRequestRecord = {
    ...record,
    notifications: [
      ...others,
      {
        from: sender.address,
        disposition: payload.disposition,
        approval: context.incomingApproval ?? 'person',
        at: receivedAt,
      },
    ],
  };
  return {
    summary: `${sender.address}: message ${payload.disposition}`,
    replies: [],
    writes: [putState('dispositionRequests', record.messageId, updated)],
  };
}

/** Disposition notifications (RFC 8098 semantics, MT2 payloads). */
export const dispositionExtension: RecipientExtension<DispositionPayload> = {
  oid: DISPOSITION_OID,
  version: 1,
  critical: false,
  namespace: DISPOSITION_NAMESPACE,
  decode: decodeDisposition,
  encode: encodeDisposition,
  subject(payload) {
    return payload.kind === 'request'
      ? 'Notification requested'
      : `Disposition notification: ${payload.disposition}`;
  },
  handle(payload, context) {
    return payload.kind === 'request'
      ? answerRequest(payload.notifyTo, context)
      : takeNotification(payload, context);
  },
  declineNotice() {
    return undefined;
  },
};

/** Options of {@link requestDisposition}. */
export interface DispositionRequestOptions {
  /** Message-ID of the message the request rides on. */
  readonly messageId: string;
  readonly recipients: readonly string[];
  /** Where notifications should go: the user's own address. */
  readonly notifyTo: string;
}

/** Asks the recipients of a message for notifications; use with ConsentEngine.attach. */
export function requestDisposition(
  options: DispositionRequestOptions,
): UserAction<DispositionPayload> {
  const record: DispositionRequestRecord = { ...options, notifications: [] };
  return {
    to: options.recipients,
    payload: { kind: 'request', notifyTo: options.notifyTo },
    writes: [putState('dispositionRequests', options.messageId, record)],
  };
}
