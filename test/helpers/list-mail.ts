// A list member's side of the mail, for list-host tests against real mt2d processes:
// sending posts and control messages to a list, reading a mailbox back with MBOX LIST
// and PULL, and waiting for something to arrive.
import assert from 'node:assert/strict';
import {
  RECIPIENT_EXTENSIONS,
  encodePayload,
  type ListPayload,
} from '../../src/extensions/index.ts';
import {
  decodeEnvelope,
  decodeHeaders,
  encodeEnvelope,
  type Mt2Envelope,
  type Mt2Extension,
  type Mt2Headers,
  type XmlElement,
} from '../../src/message/index.ts';
import { connectUser, type Mt2dProcess, type TestUser } from './mt2d-process.ts';
import { buildSignedMessage } from './signed-message.ts';

/** The server a user connects to, and the host name its certificate carries. */
export interface Place {
  readonly server: Pick<Mt2dProcess, 'host' | 'port'>;
  readonly hostname: string;
}

/** What to send to a list. */
export interface ListDraft {
  readonly subject: string;
  readonly headerExtensions?: readonly Mt2Extension[];
  /** Send it with the sender signature taken off. */
  readonly unsigned?: boolean;
}

/** `user` sends a message to `list` through `place`; returns its msg-id once committed. */
export async function sendToList(
  place: Place,
  user: TestUser,
  list: string,
  draft: ListDraft,
): Promise<string> {
  const connection = await connectUser(place.server, user, { hostname: place.hostname });
  try {
    const message = await buildSignedMessage(
      {
        from: user.address,
        to: [list],
        subject: draft.subject,
        text: `${draft.subject}.`,
        ...(draft.headerExtensions === undefined
          ? {}
          : { headerExtensions: draft.headerExtensions }),
      },
      user.credentials,
    );
    const { signature: _signature, certificate: _certificate, ...bare } = message.envelope;
    const parts =
      draft.unsigned === true
        ? { ...message.parts, envelope: encodeEnvelope(bare) }
        : message.parts;
    const result = await connection.session.transferMessage(message.msgId, parts);
    assert.equal(result.committed, true);
    await connection.session.quit();
    return message.msgId;
  } finally {
    connection.destroy();
  }
}

/** `user` sends control request `payload` to the list it names. */
export function sendControl(place: Place, user: TestUser, payload: ListPayload): Promise<string> {
  return sendToList(place, user, payload.list, {
    subject: payload.kind,
    headerExtensions: [encodePayload(RECIPIENT_EXTENSIONS.mailingList, payload, 'person')],
  });
}

/** A message as read back from a mailbox. */
export interface Received {
  readonly msgId: string;
  readonly envelope: Mt2Envelope;
  readonly headerBytes: Uint8Array;
  /** Undefined for a control message (an error report). */
  readonly headers: Mt2Headers | undefined;
  readonly body: Uint8Array;
}

/** Everything in `user`'s mailbox at `place`. */
export async function readMailbox(place: Place, user: TestUser): Promise<Received[]> {
  const connection = await connectUser(place.server, user, { hostname: place.hostname });
  try {
    const session = connection.session;
    const ids = (await session.list(0)).entries.map((entry) => entry.msgId);
    const parts = new Map<string, Uint8Array>();
    if (ids.length === 0) return [];
    for (const part of ['message/envelope', 'message/headers', 'message/body'] as const) {
      await session.pull(part, ids, {
        onPart: (msgId, bytes) => {
          parts.set(`${part} ${msgId}`, bytes);
        },
      });
    }
    await session.quit();
    return ids.map((msgId) => {
      const envelope = decodeEnvelope(parts.get(`message/envelope ${msgId}`) ?? new Uint8Array());
      const headerBytes = parts.get(`message/headers ${msgId}`) ?? new Uint8Array();
      return {
        msgId,
        envelope,
        headerBytes,
        headers: envelope.control ? undefined : decodeHeaders(headerBytes),
        body: parts.get(`message/body ${msgId}`) ?? new Uint8Array(),
      };
    });
  } finally {
    connection.destroy();
  }
}

/** Waits until `user`'s mailbox holds a message `match` accepts (polling, 30 s at most). */
export async function waitForMail(
  place: Place,
  user: TestUser,
  match: (message: Received) => boolean,
): Promise<Received> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = (await readMailbox(place, user)).find(match);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`nothing matching arrived for ${user.address}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function payloadElement(content: Mt2Extension['content']): XmlElement {
  const root = content.find((node) => typeof node !== 'string');
  if (root === undefined || typeof root === 'string') throw new Error('no payload element');
  return root;
}

/** The list payload a message from `list` carries, if it is one. */
export function listPayloadOf(message: Received, list: string): ListPayload | undefined {
  const extension = message.headers?.extensions[0];
  if (message.envelope.sender !== list || extension === undefined) return undefined;
  return RECIPIENT_EXTENSIONS.mailingList.decode(payloadElement(extension.content));
}
