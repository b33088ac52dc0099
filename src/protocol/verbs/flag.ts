import { atom } from '../codec/frames.ts';
import { Mt2Error } from '../errors.ts';
import type { ClientContext } from '../session/client-context.ts';
import { okOrThrow, requireState } from '../session/client-context.ts';
import { isMailboxFlag, parseEntry } from '../transfer-extensions/mailbox-entry.ts';
import type { MailboxEntry, MailboxFlag } from '../transfer-extensions/mailbox-types.ts';
import { checkIds, malformed } from './mailbox-common.ts';

/** At least one flag to change, each known and named once. */
function checkFlags(add: readonly MailboxFlag[], remove: readonly MailboxFlag[]): void {
  const all: readonly string[] = [...add, ...remove];
  if (all.length === 0) throw new Mt2Error('BAD_PARAMETERS', 'FLAG needs a flag to change');
  const bad = all.find((name) => !isMailboxFlag(name));
  if (bad !== undefined) throw new Mt2Error('BAD_PARAMETERS', `no flag ${bad}`);
  if (new Set(all).size !== all.length) throw new Mt2Error('BAD_PARAMETERS', 'a flag named twice');
}

/**
 * `FLAG msg-id +flag... -flag...` (docs/protocol.md section 8.4); resolves with the
 * message's new entry (flags and modseq) as the server sent it.
 * @throws Mt2Error BAD_PARAMETERS, REFUSED (120.0.5.27: unknown message), MALFORMED_RESPONSE
 */
export async function flag(
  context: ClientContext,
  msgId: string,
  add: readonly MailboxFlag[],
  remove: readonly MailboxFlag[],
): Promise<MailboxEntry> {
  requireState(context, 'FLAG', 'authenticated');
  checkIds([msgId]);
  checkFlags(add, remove);
  const params = [
    atom(msgId),
    ...add.map((name) => atom(`+${name}`)),
    ...remove.map((name) => atom(`-${name}`)),
  ];
  const response = okOrThrow(await context.endpoint.request('FLAG', params).final);
  const [group, ...extra] = response.groups;
  const entry = group?.kind === 'option' && extra.length === 0 ? parseEntry(group) : 'no entry';
  if (typeof entry === 'string') throw malformed(`FLAG: ${entry}`);
  if (entry.msgId !== msgId || entry.expunged) throw malformed(`FLAG: entry of ${entry.msgId}`);
  return entry;
}
