import { Mt2Error } from '../errors.ts';
import type { TransferExtension } from '../session/extension.ts';
import type { MailboxBackend, MailboxExtensionOptions } from './mailbox-types.ts';

export * from './mailbox-types.ts';

/**
 * Mailbox access (docs/protocol.md section 8.4), the server half: LIST, PULL, FLAG and
 * DELE over `backend`, offered only to authenticated user sessions.
 */
export function mailboxExtension(
  _backend: MailboxBackend,
  _options: MailboxExtensionOptions = {},
): TransferExtension {
  throw new Mt2Error('WRONG_STATE', 'mailboxExtension: not implemented yet');
}
