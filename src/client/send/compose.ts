import { randomUUID, type X509Certificate } from 'node:crypto';
import type { DraftInput } from '../../api/index.ts';
import {
  addressesOf,
  encryptMessageParts,
  parseCertificate,
  signMessage,
  type Credentials,
  type MessageParts,
} from '../../identity/index.ts';
import {
  buildBody,
  encodeHeaders,
  type HeaderField,
  type Mt2Envelope,
  type Mt2Extension,
} from '../../message/index.ts';
import { ENGINE_ERROR, engineError } from '../errors.ts';

/** A message ready to transfer: its parts as octets (envelope without postage). */
export interface ComposedMessage {
  readonly msgId: string;
  readonly envelope: Mt2Envelope;
  readonly headers: Uint8Array;
  readonly body: Uint8Array;
  readonly signed: boolean;
  readonly encrypted: boolean;
}

/** What composing needs besides the draft. */
export interface ComposeContext {
  readonly credentials: Credentials;
  readonly displayName?: string;
  /** Known certificates of recipients, by lower-case address. */
  readonly recipientCertificate: (address: string) => X509Certificate | undefined;
  /** The msg-ids of the message this answers or forwards, for threading. */
  readonly inReplyTo?: { readonly messageId: string; readonly references: readonly string[] };
  readonly now?: Date;
  /** Recipient extensions for the headers (a consent reply, a read-notification request), given the new Message-ID. */
  readonly extensions?: (msgId: string) => readonly Mt2Extension[];
}

/** The address the account's certificate names (its first subjectAltName rfc822Name). */
function senderAddress(credentials: Credentials): string {
  const address = addressesOf(parseCertificate(credentials.certificate.raw))[0];
  if (address === undefined) throw new Error('the account certificate names no address');
  return address;
}

function headerFields(
  draft: DraftInput,
  from: string,
  msgId: string,
  context: ComposeContext,
): HeaderField[] {
  const mailboxes = (addresses: readonly string[]) => addresses.map((address) => ({ address }));
  const fields: HeaderField[] = [
    {
      kind: 'from',
      mailboxes: [
        context.displayName === undefined
          ? { address: from }
          : { address: from, name: context.displayName },
      ],
    },
    { kind: 'to', addresses: mailboxes(draft.to) },
  ];
  if (draft.cc.length > 0) fields.push({ kind: 'cc', addresses: mailboxes(draft.cc) });
  fields.push(
    { kind: 'subject', text: draft.subject },
    { kind: 'date', date: context.now ?? new Date() },
    { kind: 'messageId', id: msgId },
  );
  if (context.inReplyTo !== undefined) {
    fields.push(
      { kind: 'inReplyTo', ids: [context.inReplyTo.messageId] },
      { kind: 'references', ids: [...context.inReplyTo.references, context.inReplyTo.messageId] },
    );
  }
  return fields;
}

/**
 * Builds the three parts of an outgoing message from a draft: headers and MIME body,
 * both encrypted to every recipient (and the sender) when asked, then signed over the
 * octets as they will be transferred (docs/message-security.md).
 * @throws ApiError ENGINE_NO_RECIPIENT_CERTIFICATE when encryption is asked and a
 *   recipient's certificate is unknown.
 */
export async function composeMessage(
  draft: DraftInput,
  context: ComposeContext,
): Promise<ComposedMessage> {
  const from = senderAddress(context.credentials);
  const domain = from.slice(from.lastIndexOf('@') + 1);
  const msgId = `${randomUUID()}@${domain}`;
  const recipients = [...new Set([...draft.to, ...draft.cc])];
  const envelope: Mt2Envelope = {
    messageId: msgId,
    sender: from,
    recipients,
    control: false,
    trace: [],
    extensions: [],
  };
  const headers = encodeHeaders({
    fields: headerFields(draft, from, msgId, context),
    extensions: context.extensions?.(msgId) ?? [],
  });
  const body = await buildBody({
    text: draft.text,
    ...(draft.html === undefined ? {} : { html: draft.html }),
    attachments: draft.attachments.map((attachment) => ({
      filename: attachment.filename,
      mimeType: attachment.contentType,
      content: Buffer.from(attachment.data, 'base64'),
    })),
  });
  let parts: MessageParts = { envelope, headers, body };
  if (draft.encrypt) {
    const certificates = recipients.map((address) => {
      const certificate = context.recipientCertificate(address.toLowerCase());
      if (certificate === undefined) {
        throw engineError(
          ENGINE_ERROR.NO_RECIPIENT_CERTIFICATE,
          `Cannot encrypt: the certificate of ${address} is not known. Send it unencrypted, or import their certificate first.`,
        );
      }
      return certificate;
    });
    parts = encryptMessageParts(
      parts,
      ['headers', 'body'],
      certificates,
      context.credentials.certificate,
    );
  }
  const signedEnvelope = draft.sign ? signMessage(parts, context.credentials) : parts.envelope;
  return {
    msgId,
    envelope: signedEnvelope,
    headers: parts.headers,
    body: parts.body,
    signed: draft.sign,
    encrypted: draft.encrypt,
  };
}
