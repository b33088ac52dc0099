import type { BodyView, MessageView } from '../../src/api/index.ts';

/** What a new composer starts with. */
export interface ComposeSeed {
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

function quoted(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

export function replySeed(message: MessageView, body: BodyView | undefined): ComposeSeed {
  const replyTo = message.replyTo.length > 0 ? message.replyTo : [message.summary.from];
  const intro = `On ${message.summary.date}, ${message.summary.from.address} wrote:`;
  return {
    to: replyTo.map((address) => address.address).join(', '),
    cc: '',
    subject: withPrefix('Re:', message.summary.subject),
    text: body?.text === undefined ? '' : `\n\n${intro}\n${quoted(body.text)}`,
    inReplyTo: message.summary.ref,
  };
}

export function forwardSeed(message: MessageView, body: BodyView | undefined): ComposeSeed {
  const header = [
    '---------- Forwarded message ----------',
    `From: ${message.summary.from.address}`,
    `Date: ${message.summary.date}`,
    `Subject: ${message.summary.subject}`,
  ].join('\n');
  return {
    to: '',
    cc: '',
    subject: withPrefix('Fwd:', message.summary.subject),
    text: `\n\n${header}\n\n${body?.text ?? ''}`,
    forwardOf: message.summary.ref,
  };
}
