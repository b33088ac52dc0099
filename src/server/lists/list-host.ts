// mt2d's list host. A message to a hosted list is accepted like any local delivery:
// it is committed durably into the mailbox named by the list's address, which is the
// list's input queue. The host then takes each message from that mailbox in order,
// handles it (a control message or a post), stores what the list sends (signed by the
// list, into local mailboxes or relay queues) and only then expunges it. A crash
// between the two replays the message: answers are remembered in the list's state
// file and every message the list sends has a msg-id derived from its cause, so the
// replay stores nothing twice.
import {
  ExtensionError,
  MAILING_LIST_OID,
  RECIPIENT_EXTENSIONS,
  addressKey,
  decodePayload,
  handleListControl,
  type HostedList,
  type ListPayload,
} from '../../extensions/index.ts';
import {
  appendTrace,
  encryptedPartsOf,
  verifyMessage,
  type Credentials,
  type IdentityValidator,
} from '../../identity/index.ts';
import {
  MessageError,
  decodeEnvelope,
  decodeHeaders,
  encodeEnvelope,
  type Mt2Envelope,
  type Mt2Extension,
  type Mt2Headers,
} from '../../message/index.ts';
import { RESULT } from '../../protocol/index.ts';
import { domainOf } from '../accept/patterns.ts';
import type { ListsConfig } from '../daemon/config.ts';
import type { ServerLog } from '../daemon/log.ts';
import type { HostIdentity } from '../relay/index.ts';
import { liveEntries, relayMailbox, sendErrorReport } from '../relay/index.ts';
import { StoreError, type MessageStore } from '../store/index.ts';
import type { ListRefusalCode } from './errors.ts';
import {
  hostedListAddresses,
  listFiles,
  readListCredentials,
  type ListFiles,
} from './list-admin.ts';
import {
  buildListAnswer,
  buildListPost,
  derivedMessageId,
  listIdOf,
  type OutgoingListMessage,
} from './list-messages.ts';
import {
  MAX_ANSWERED_KEPT,
  readListRecord,
  writeListRecord,
  type AnsweredControl,
  type ListRecord,
} from './list-record.ts';

/** Messages taken from a list's mailbox per pass. */
const BATCH = 100;
const MINUTE_MS = 60_000;

/** What the list host needs of the running server. */
export interface ListHostOptions {
  readonly dir: string;
  readonly store: MessageStore;
  /** Validates senders' certificates (the server's own validator). */
  readonly validator: IdentityValidator;
  /** Appends this hop's trace entry to what the list sends. */
  readonly host: HostIdentity;
  /** The store mailbox of a local user, or undefined when the address has no mailbox. */
  readonly localMailbox: (address: string) => string | undefined;
  /** A message was queued for relay to `domain`. */
  readonly onRelayQueued: (domain: string) => void;
  readonly log: ServerLog;
  readonly limits: ListsConfig;
}

interface ServedList {
  record: ListRecord;
  readonly files: ListFiles;
  readonly credentials: Credentials;
  /** Times (ms) of the posts of the last minute. */
  posts: number[];
  /** The pass in progress, if any, and whether another was asked for meanwhile. */
  running: Promise<void> | undefined;
  again: boolean;
  timer: NodeJS.Timeout | undefined;
}

type Outcome = 'done' | 'deferred';

/** The list host of one mt2d (see the top of this file). */
export class ListHost {
  readonly #lists = new Map<string, ServedList>();
  readonly #options: ListHostOptions;
  readonly #maxMembers: number;
  readonly #maxPosts: number;
  #closed = false;

  private constructor(options: ListHostOptions) {
    this.#options = options;
    this.#maxMembers = options.limits.maxMembers;
    this.#maxPosts = options.limits.maxPostsPerMinute;
  }

  /**
   * Loads every list of the data directory. A list whose files cannot be read is not
   * served (logged as `list.unreadable`): its address then has no mailbox here, and
   * messages to it are refused in-band rather than lost.
   */
  static async open(options: ListHostOptions): Promise<ListHost> {
    const host = new ListHost(options);
    for (const address of await hostedListAddresses(options.dir)) await host.#load(address);
    return host;
  }

  /** Starts serving list `address` from its files; logs `list.unreadable` when it cannot. */
  async #load(address: string): Promise<void> {
    const files = listFiles(this.#options.dir, address);
    try {
      const [record, credentials] = await Promise.all([
        readListRecord(files.state),
        readListCredentials(files),
      ]);
      this.#lists.set(address, {
        record,
        files,
        credentials,
        posts: [],
        running: undefined,
        again: false,
        timer: undefined,
      });
    } catch (error) {
      this.#options.log.event('list.unreadable', {
        list: address,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /**
   * Looks at the data directory again (a reload): lists added are served, lists removed
   * are not (after their pass in progress).
   */
  async reload(): Promise<void> {
    const onDisk = new Set(await hostedListAddresses(this.#options.dir));
    for (const [address, served] of this.#lists) {
      if (onDisk.has(address)) continue;
      this.#lists.delete(address);
      clearTimeout(served.timer);
      await served.running;
    }
    for (const address of onDisk) {
      if (this.#lists.has(address)) continue;
      await this.#load(address);
      this.wake(address);
    }
  }

  /** Whether `address` is a list served here. */
  isHostedList(address: string): boolean {
    return this.#lists.has(address.toLowerCase());
  }

  /** Handles whatever waits in every list's mailbox (messages left by a crash). */
  start(): void {
    for (const address of this.#lists.keys()) this.wake(address);
  }

  /** A message was committed for `address`: handle it when `address` is a list. */
  wake(address: string): void {
    const served = this.#lists.get(address.toLowerCase());
    if (served === undefined || this.#closed) return;
    if (served.running !== undefined) {
      served.again = true;
      return;
    }
    served.running = this.#pass(served)
      .catch((error: unknown) => {
        this.#options.log.event('list.failed', {
          list: served.record.list.address,
          reason: error instanceof Error ? error.message : String(error),
        });
      })
      .finally(() => {
        served.running = undefined;
        if (served.again) {
          served.again = false;
          this.wake(served.record.list.address);
        }
      });
  }

  /** Stops taking messages and waits for the passes in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const served of this.#lists.values()) clearTimeout(served.timer);
    await Promise.all(
      [...this.#lists.values()].map((served) => served.running ?? Promise.resolve()),
    );
  }

  async #pass(served: ServedList): Promise<void> {
    // The file is read again each pass: the owner may have added members by hand
    // (`mt2d list members --add`), and the state written here must include them.
    served.record = await readListRecord(served.files.state);
    const mailbox = served.record.list.address;
    for (;;) {
      const entries = liveEntries(this.#options.store, mailbox, BATCH);
      for (const entry of entries) {
        if (this.#closed) return;
        if ((await this.#handle(served, entry.msgId)) === 'deferred') return;
        await this.#options.store.expunge(mailbox, entry.uid);
      }
      if (entries.length < BATCH) return;
    }
  }

  async #handle(served: ServedList, msgId: string): Promise<Outcome> {
    const { store, validator, log } = this.#options;
    const list = served.record.list;
    const envelope = decodeEnvelope(await store.readPart(msgId, 'envelope'));
    // Never an answer to an answer: reports, the null sender, the list itself.
    if (
      envelope.control ||
      envelope.sender === '' ||
      addressKey(envelope.sender) === list.address
    ) {
      log.event('list.dropped', { list: list.address, msgId, reason: 'no-answer' });
      return 'done';
    }
    if (encryptedPartsOf(envelope).size > 0) {
      await this.#refuse(served, envelope, 'LIST_POST_ENCRYPTED', 'the list cannot read it');
      return 'done';
    }
    const [headerBytes, body] = await Promise.all([
      store.readPart(msgId, 'headers'),
      store.readPart(msgId, 'body'),
    ]);
    let headers: Mt2Headers;
    try {
      headers = decodeHeaders(headerBytes);
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
      await this.#refuse(served, envelope, 'LIST_CONTROL_INVALID', error.message);
      return 'done';
    }
    const now = new Date();
    const verification = await verifyMessage(
      { envelope, headers: headerBytes, body },
      validator,
      now,
    );
    const sender = { address: envelope.sender, verified: verification.valid };
    const control = headers.extensions.find((extension) => extension.oid === MAILING_LIST_OID);
    if (control !== undefined) {
      await this.#control(served, envelope, control, sender, now);
      return 'done';
    }
    if (
      headers.fields.some((field) => field.kind === 'listId' && field.id === listIdOf(list.address))
    ) {
      log.event('list.dropped', { list: list.address, msgId, reason: 'own-post' });
      return 'done';
    }
    if (!sender.verified) {
      const why = verification.failures.map((failure) => failure.code).join(', ');
      await this.#refuse(served, envelope, 'LIST_SENDER_UNVERIFIED', `signature: ${why}`);
      return 'done';
    }
    if (!list.members.some((member) => addressKey(member) === addressKey(envelope.sender))) {
      await this.#refuse(served, envelope, 'LIST_NOT_MEMBER', `${envelope.sender} is no member`);
      return 'done';
    }
    served.posts = served.posts.filter((time) => time > now.getTime() - MINUTE_MS);
    if (served.posts.length >= this.#maxPosts) {
      const oldest = served.posts[0] ?? now.getTime();
      clearTimeout(served.timer);
      served.timer = setTimeout(
        () => {
          this.wake(list.address);
        },
        oldest + MINUTE_MS - now.getTime(),
      );
      log.event('list.deferred', { list: list.address, msgId });
      return 'deferred';
    }
    served.posts.push(now.getTime());
    await this.#post(served, msgId, headers, body, now);
    return 'done';
  }

  async #control(
    served: ServedList,
    envelope: Mt2Envelope,
    control: Mt2Extension,
    sender: { address: string; verified: boolean },
    now: Date,
  ): Promise<void> {
    const list = served.record.list;
    const remembered = served.record.answered.find((entry) => entry.msgId === envelope.messageId);
    let answers = remembered?.answers;
    if (answers === undefined) {
      let payload: ListPayload;
      try {
        payload = decodePayload(RECIPIENT_EXTENSIONS.mailingList, control.content).payload;
      } catch (error) {
        if (!(error instanceof ExtensionError)) throw error;
        const where = error.path === '' ? '' : ` at ${error.path}`;
        await this.#refuse(
          served,
          envelope,
          'LIST_CONTROL_INVALID',
          `${error.code}${where}: ${error.message}`,
        );
        return;
      }
      if (addressKey(payload.list) !== list.address) {
        await this.#refuse(
          served,
          envelope,
          'LIST_CONTROL_INVALID',
          `addressed to ${payload.list}`,
        );
        return;
      }
      const result = this.#membersFull(list, payload)
        ? {
            list,
            answers: [
              {
                to: sender.address,
                payload: { kind: 'refused', list: list.address, reason: 'TRY_LATER' } as const,
              },
            ],
          }
        : handleListControl(list, sender, payload, { now });
      answers = result.answers;
      const answered: AnsweredControl[] = [
        ...served.record.answered,
        { msgId: envelope.messageId, answers },
      ].slice(-MAX_ANSWERED_KEPT);
      const record: ListRecord = { list: result.list, answered };
      // The state is durable before any answer is stored: a crash in between replays
      // the message and finds its answers remembered here.
      await writeListRecord(served.files.state, record);
      served.record = record;
      this.#options.log.event('list.control', {
        list: list.address,
        msgId: envelope.messageId,
        sender: sender.address,
        verified: sender.verified,
        kind: payload.kind,
        answers: answers.map((answer) => answer.payload.kind).join(','),
      });
    }
    for (const [index, answer] of answers.entries()) {
      const id = derivedMessageId(list.address, envelope.messageId, index);
      await this.#store(
        await buildListAnswer(served.record.list, answer, id, served.credentials, now),
        now,
      );
    }
  }

  /** A subscription (or its confirmation) while the list is full. */
  #membersFull(list: HostedList, payload: ListPayload): boolean {
    const subscribing =
      payload.kind === 'subscribe' ||
      (payload.kind === 'confirm' && payload.action === 'subscribe');
    return subscribing && list.members.length >= this.#maxMembers;
  }

  async #post(
    served: ServedList,
    msgId: string,
    headers: Mt2Headers,
    body: Uint8Array,
    now: Date,
  ): Promise<void> {
    const list = served.record.list;
    // A list never posts to itself nor to another list here (two lists as each other's
    // members would otherwise pass posts back and forth).
    const members = list.members.filter((member) => !this.isHostedList(member));
    if (members.length === 0) return;
    const id = derivedMessageId(list.address, msgId, 0);
    const post = buildListPost(list, { headers, body }, members, id, served.credentials, now);
    const stored = await this.#store(post, now);
    this.#options.log.event('list.posted', {
      list: list.address,
      msgId,
      postId: id,
      members: members.length,
      duplicate: !stored,
    });
  }

  /**
   * Stores a message the list sends: this host's trace entry, then the local members'
   * mailboxes and the relay queues of the other domains. False when it was stored
   * before (a replay after a crash).
   */
  async #store(message: OutgoingListMessage, now: Date): Promise<boolean> {
    const { store, host, localMailbox, onRelayQueued } = this.#options;
    const local: string[] = [];
    const remote = new Set<string>();
    for (const recipient of message.recipients) {
      const lower = recipient.toLowerCase();
      const domain = domainOf(lower);
      const mailbox = localMailbox(lower);
      if (mailbox !== undefined) local.push(mailbox);
      // A member of this domain without a mailbox (a user since removed) gets nothing.
      else if (domain !== domainOf(message.envelope.sender)) remote.add(domain);
    }
    if (store.has(message.msgId) || (local.length === 0 && remote.size === 0)) return false;
    const envelope = encodeEnvelope(
      appendTrace(message.envelope, host.credentials, host.hostname, now),
    );
    const incoming = store.begin(message.msgId);
    try {
      await incoming.appendFragment('envelope', envelope);
      await incoming.appendFragment('headers', message.headers);
      await incoming.appendFragment('body', message.body);
      await incoming.commit([...local, ...[...remote].map(relayMailbox)]);
    } catch (error) {
      if (error instanceof StoreError && error.code === 'STORE_DUPLICATE_MESSAGE') return false;
      throw error;
    }
    for (const domain of remote) onRelayQueued(domain);
    return true;
  }

  /** Sends the sender an error report signed by the list (99.0.5.45, the reason in its text). */
  async #refuse(
    served: ServedList,
    original: Mt2Envelope,
    code: ListRefusalCode,
    detail: string,
  ): Promise<void> {
    const list = served.record.list.address;
    const { store, host, localMailbox, onRelayQueued, log } = this.#options;
    const outcome = await sendErrorReport(
      original,
      [{ recipient: list, code: RESULT.RECIPIENT_PROHIBITED, text: `${code}: ${detail}` }],
      new Date(),
      {
        store,
        process: served.credentials,
        host,
        localMailbox,
        onRelayQueued,
      },
    );
    log.event('list.refused', {
      list,
      msgId: original.messageId,
      sender: original.sender,
      code,
      reportId: outcome.sent ? outcome.reportId : undefined,
    });
  }
}
