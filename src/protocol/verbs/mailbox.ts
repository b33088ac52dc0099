import { Mt2Error } from '../errors.ts';
import type { ClientContext } from '../session/client-context.ts';
import type {
  MailboxEntry,
  MailboxFlag,
  MailboxListing,
  MailboxPart,
  PullOptions,
  PullResult,
} from '../transfer-extensions/mailbox-types.ts';

const notYet = (): never => {
  throw new Mt2Error('WRONG_STATE', 'mailbox client verbs: not implemented yet');
};

/** `LIST {since} (LIMIT=n)`: the changes after `since` (docs/protocol.md section 8.4). */
export function list(
  _context: ClientContext,
  _since: number,
  _limit?: number,
): Promise<MailboxListing> {
  return Promise.resolve().then(notYet);
}

/** `PULL msg-id... part`: the server delivers each part with its own XFER. */
export function pull(
  _context: ClientContext,
  _part: MailboxPart,
  _msgIds: readonly string[],
  _options?: PullOptions,
): Promise<PullResult> {
  return Promise.resolve().then(notYet);
}

/** `FLAG msg-id +flag... -flag...`: resolves with the message's new entry. */
export function flag(
  _context: ClientContext,
  _msgId: string,
  _add: readonly MailboxFlag[],
  _remove: readonly MailboxFlag[],
): Promise<MailboxEntry> {
  return Promise.resolve().then(notYet);
}

/** `DELE msg-id...`: marks deleted and expunges; resolves with how many were expunged. */
export function dele(_context: ClientContext, _msgIds: readonly string[]): Promise<number> {
  return Promise.resolve().then(notYet);
}
