import {
  MAILBOX_FLAGS,
  type MailboxBackend,
  type MailboxEntry,
  type MailboxFlag,
  type MailboxListing,
  type MailboxPart,
  type PeerInfo,
} from '../../protocol/index.ts';
import type { MailboxEntry as StoredEntry, MessageStore } from '../store/index.ts';
import { STORE_PART } from './part-names.ts';

const FLAGS: ReadonlySet<string> = new Set(MAILBOX_FLAGS);

function toWire(entry: StoredEntry): MailboxEntry {
  return {
    msgId: entry.msgId,
    uid: entry.uid,
    modseq: entry.modseq,
    partSizes: entry.expunged ? { envelope: 0, headers: 0, body: 0 } : entry.sizes,
    flags: entry.expunged ? [] : (entry.flags.filter((flag) => FLAGS.has(flag)) as MailboxFlag[]),
    expunged: entry.expunged,
  };
}

const nonEmpty = (bytes: Uint8Array) => (bytes.length === 0 ? undefined : bytes);

/**
 * Mailbox access on mt2d's MessageStore: each user session sees the mailbox named by
 * its own address (the HELO identity), and nothing else; a msg-id outside it is unknown.
 */
export class StoreMailbox implements MailboxBackend {
  constructor(private readonly store: MessageStore) {}

  /** The session's mailbox: the address HELO established (user sessions only). */
  #mailbox(peer: PeerInfo): string {
    if (peer.kind !== 'user' || peer.identity === undefined) {
      throw new Error('mailbox access for a session that is not a user');
    }
    return peer.identity;
  }

  list(peer: PeerInfo, since: number, limit: number): Promise<MailboxListing> {
    const changes = this.store.list(this.#mailbox(peer), since, limit);
    return Promise.resolve({
      entries: changes.entries.map(toWire),
      cursor: changes.cursor,
      more: changes.more,
    });
  }

  /** Without a promise when the store has the part at hand (the common case in a sync). */
  readPart(
    peer: PeerInfo,
    msgId: string,
    part: MailboxPart,
  ): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    const bytes = this.store.mailboxPart(this.#mailbox(peer), msgId, STORE_PART[part]);
    if (bytes === undefined) return undefined;
    return bytes instanceof Promise ? bytes.then(nonEmpty) : nonEmpty(bytes);
  }

  async setFlags(
    peer: PeerInfo,
    msgId: string,
    add: readonly MailboxFlag[],
    remove: readonly MailboxFlag[],
  ): Promise<MailboxEntry | undefined> {
    const mailbox = this.#mailbox(peer);
    const uid = this.store.uidOf(mailbox, msgId);
    if (uid === undefined) return undefined;
    const current = this.store.entry(mailbox, uid).flags;
    const flags = [...current.filter((flag) => !remove.includes(flag as MailboxFlag)), ...add];
    return toWire(await this.store.setFlags(mailbox, uid, flags));
  }

  async expunge(peer: PeerInfo, msgIds: readonly string[]): Promise<number> {
    const mailbox = this.#mailbox(peer);
    let expunged = 0;
    for (const msgId of new Set(msgIds)) {
      const uid = this.store.uidOf(mailbox, msgId);
      if (uid === undefined) continue;
      await this.store.expunge(mailbox, uid);
      expunged++;
    }
    return expunged;
  }
}
