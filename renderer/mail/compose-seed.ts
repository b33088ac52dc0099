import type { AccountId, AddressView, BodyView, MessageView } from '../../src/api/index.ts';
import { addressLabel, attributionDate } from './format.ts';

/** What a new composer starts with. */
export interface ComposeSeed {
  /** The account that sends: a reply or forward goes out from the message's own. */
  readonly accountId?: AccountId;
  readonly to: string;
  readonly cc: string;
  readonly subject: string;
  readonly text: string;
  readonly inReplyTo?: string;
  readonly forwardOf?: string;
}

export const EMPTY_SEED: ComposeSeed = { to: '', cc: '', subject: '', text: '' };

function withPrefix(prefix: string, subject: string): string {
  return subject.toLowerCase().startsWith(prefix.toLowerCase()) ? subject : `${prefix} ${subject}`;
}

/** The body's lines, without the blank ones at its end. */
function lines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').trimEnd().split('\n');
}

/** Quotes each line; a line already quoted gets one more '>', an empty one a bare '>'. */
function quoted(text: string): string {
  return lines(text)
    .map((line) => (line === '' ? '>' : line.startsWith('>') ? `>${line}` : `> ${line}`))
    .join('\n');
}

function addressList(addresses: readonly AddressView[]): string {
  return addresses.map((address) => address.address).join(', ');
}

/** `addresses` without the user's own and without repeats (addresses compared ignoring case). */
function othersThan(
  addresses: readonly AddressView[],
  excluded: ReadonlySet<string>,
): AddressView[] {
  const seen = new Set(excluded);
  return addresses.filter((address) => {
    const key = address.address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A reply to the sender (or the Reply-To addresses). A reply to all also goes to every
 * other recipient, To in To and Cc in Cc, except the user's own addresses; a reply to
 * one's own message goes back to oneself.
 */
export function replySeed(
  message: MessageView,
  body: BodyView | undefined,
  all?: { readonly ownAddresses: readonly string[] },
): ComposeSeed {
  const author = message.replyTo.length > 0 ? message.replyTo : [message.summary.from];
  let to: readonly AddressView[] = author;
  let cc: readonly AddressView[] = [];
  if (all !== undefined) {
    const own = new Set(all.ownAddresses.map((address) => address.toLowerCase()));
    const others = othersThan([...author, ...message.summary.to], own);
    to = others.length > 0 ? others : author;
    cc = othersThan(
      message.cc,
      new Set([...own, ...to.map((address) => address.address.toLowerCase())]),
    );
  }
  const intro = `On ${attributionDate(message.summary.date)}, ${addressLabel(message.summary.from)} wrote:`;
  return {
    accountId: message.summary.accountId,
    to: addressList(to),
    cc: addressList(cc),
    subject: withPrefix('Re:', message.summary.subject),
    text: body?.text === undefined ? '' : `\n\n${intro}\n${quoted(body.text)}\n`,
    inReplyTo: message.summary.ref,
  };
}

export function forwardSeed(message: MessageView, body: BodyView | undefined): ComposeSeed {
  const { summary } = message;
  const header = [
    '---------- Forwarded message ----------',
    `From: ${addressLabel(summary.from)}`,
    `Date: ${attributionDate(summary.date)}`,
    `Subject: ${summary.subject}`,
    `To: ${summary.to.map(addressLabel).join(', ')}`,
    ...(message.cc.length > 0 ? [`Cc: ${message.cc.map(addressLabel).join(', ')}`] : []),
  ].join('\n');
  return {
    accountId: summary.accountId,
    to: '',
    cc: '',
    subject: withPrefix('Fwd:', summary.subject),
    text: `\n\n${header}\n\n${lines(body?.text ?? '').join('\n')}`,
    forwardOf: summary.ref,
  };
}
