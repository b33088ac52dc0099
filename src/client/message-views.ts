import type { AddressView, FolderId, MessageSummaryView, SendStatusView } from '../api/index.ts';
import type { Folder, MessageSummary } from './store/index.ts';
import { messageRef } from './refs.ts';
import { securityView, type StoredVerification } from './security/verify-incoming.ts';

/** The API's folders are the store's, less drafts (the composer keeps its own). */
export function apiFolder(folder: Folder): FolderId {
  return folder === 'drafts' ? 'outbox' : folder;
}

export const FOLDER_NAMES: Readonly<Record<FolderId, string>> = {
  inbox: 'Inbox',
  sent: 'Sent',
  outbox: 'Outbox',
  trash: 'Trash',
};

/** The verification JSON as stored, or undefined (none yet, or not ours). */
export function readVerification(json: string | undefined): StoredVerification | undefined {
  if (json === undefined) return undefined;
  const parsed = JSON.parse(json) as { version?: unknown };
  return parsed.version === 1 ? (parsed as StoredVerification) : undefined;
}

/** What is known about a message beyond the store's row. */
export interface SummaryExtras {
  readonly verification: StoredVerification | undefined;
  readonly send?: SendStatusView;
  readonly deliveryProblem?: string;
  readonly pendingRequests?: number;
}

/** A store row as the UI's summary. */
export function summaryView(row: MessageSummary, extras: SummaryExtras): MessageSummaryView {
  const display = row.display;
  const from: AddressView =
    display.fromName === ''
      ? { address: display.fromAddress }
      : { address: display.fromAddress, name: display.fromName };
  const security = securityView(extras.verification);
  return {
    ref: messageRef(row),
    accountId: row.accountId,
    folder: apiFolder(row.folder),
    from,
    to: display.to.map((address) => ({ address })),
    subject: display.subject,
    date: display.date.toISOString(),
    snippet: display.snippet,
    unread: row.unread,
    flagged: row.flagged,
    answered: row.flags.includes('answered'),
    signed: display.signed,
    encrypted: display.encrypted,
    hasAttachments: display.hasAttachments,
    verification: security.badge,
    pendingRequests: extras.pendingRequests ?? 0,
    ...(extras.send === undefined ? {} : { send: extras.send }),
    ...(extras.deliveryProblem === undefined ? {} : { deliveryProblem: extras.deliveryProblem }),
    deletingForGood: row.folder === 'trash' && row.flags.includes('deleted'),
  };
}
