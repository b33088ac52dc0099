// The consent engine: every incoming recipient-extension request waits for the user
// (or for a default the user set, and then only from a verified sender); it is driven
// by calls and returns the messages to send as values; it never sends by itself.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { HeaderField, Mt2Extension } from '../../message/index.ts';
import type { Approval, IncomingMessage, LocalUser } from '../recipient/context.ts';
import { ExtensionError } from '../recipient/errors.ts';
import type {
  ExtensionRegistry,
  ExtensionReply,
  HandlerContext,
  HandlerOutcome,
  PayloadBase,
  PayloadMap,
  RecipientExtension,
  UserAction,
} from '../recipient/spec.ts';
import { decodePayload, encodePayload, type DecodedPayload } from '../recipient/codec.ts';
import type { ApprovalMark } from '../recipient/xml-payload.ts';
import type { AuditDraft, AuditEntry } from './audit.ts';
import { messageHeaders, pendingIdFor } from './message-parts.internal.ts';
import {
  policyKey,
  resolvePolicy,
  type ConsentPolicy,
  type PolicyRule,
  type PolicyScope,
} from './policy.ts';
import type {
  ConsentStore,
  DeclaredReply,
  HoldReason,
  OutgoingMessage,
  PendingItem,
  StoreBatch,
} from './store.ts';

/** The user's decision on a pending item. `notify` (default false) sends the extension's decline notice. */
export type ConsentChoice =
  { readonly kind: 'approve' } | { readonly kind: 'decline'; readonly notify?: boolean };

/** A recipient extension that was not acted on, and why. Nothing of it was applied. */
export interface Refusal {
  readonly oid: string;
  /** Registry name, when the OID is known. */
  readonly extension?: string;
  readonly error: ExtensionError;
}

/** What receiving one message did. */
export interface ReceiveResult {
  /** New pending items, waiting for the user. */
  readonly pending: readonly PendingItem[];
  /** Messages to sign and send now, approved by a default. */
  readonly outgoing: readonly OutgoingMessage[];
  /** Extensions refused: malformed, unknown and critical, or impossible to act on. */
  readonly refused: readonly Refusal[];
  /** Ids of requests already pending (the same message delivered again): ignored. */
  readonly duplicates: readonly string[];
}

/** Options of {@link ConsentEngine}. */
export interface ConsentEngineOptions<Payloads extends PayloadMap> {
  readonly store: ConsentStore;
  readonly registry: ExtensionRegistry<Payloads>;
  /** The local user, read at each call (their vCard may change in settings). */
  readonly self: () => LocalUser;
  /** The clock (default: `new Date()`). */
  readonly clock?: () => Date;
  /** Makes ids for outgoing messages (default: random UUIDs). */
  readonly newId?: () => string;
  /** Most recipient extensions acted on per message (default {@link MAX_EXTENSIONS_PER_MESSAGE}); the rest are refused. */
  readonly maxExtensionsPerMessage?: number;
  /** Most items waiting for the user (default {@link MAX_PENDING_ITEMS}); further requests are refused. */
  readonly maxPendingItems?: number;
}

/** Default bound on recipient extensions acted on in one message: 16. */
export const MAX_EXTENSIONS_PER_MESSAGE = 16;

/**
 * Default bound on pending items: 1000. A flood of requests is refused
 * (CONSENT_QUEUE_FULL, logged) instead of burying the user's queue or the store.
 */
export const MAX_PENDING_ITEMS = 1000;

interface Entry {
  readonly name: string;
  // The engine hands a payload only back to the extension that decoded it, so the
  // payload type is erased here; each extension is fully typed in its own module.
  readonly extension: RecipientExtension<PayloadBase>;
}

/**
 * The consent engine. Every state change and every audit entry of one call lands in
 * the store in one atomic commit; a call that throws has changed nothing (except a
 * `failed` audit entry for an approval that could not be carried out).
 */
export class ConsentEngine<Payloads extends PayloadMap> {
  readonly #store: ConsentStore;
  readonly #byName = new Map<string, Entry>();
  readonly #byOid = new Map<string, Entry>();
  readonly #self: () => LocalUser;
  readonly #clock: () => Date;
  readonly #newId: () => string;
  readonly #maxExtensions: number;
  readonly #maxPending: number;

  constructor(options: ConsentEngineOptions<Payloads>) {
    this.#store = options.store;
    this.#self = options.self;
    this.#clock = options.clock ?? (() => new Date());
    this.#newId = options.newId ?? randomUUID;
    this.#maxExtensions = options.maxExtensionsPerMessage ?? MAX_EXTENSIONS_PER_MESSAGE;
    this.#maxPending = options.maxPendingItems ?? MAX_PENDING_ITEMS;
    const registry: Readonly<Record<string, RecipientExtension<PayloadBase>>> = options.registry;
    for (const [name, extension] of Object.entries(registry)) {
      const entry: Entry = { name, extension };
      this.#byName.set(name, entry);
      this.#byOid.set(entry.extension.oid, entry);
    }
  }

  /**
   * Takes in a received message: each recipient extension of a known OID becomes a
   * pending item, unless a default decides it (`never`: declined silently; `always`:
   * approved, only for a verified sender and where the extension allows it).
   */
  receive(message: IncomingMessage): ReceiveResult {
    const pending: PendingItem[] = [];
    const outgoing: OutgoingMessage[] = [];
    const refused: Refusal[] = [];
    const duplicates: string[] = [];
    const subject = message.headers.fields.find((field) => field.kind === 'subject')?.text;
    message.headers.extensions.forEach((element, index) => {
      if (index >= this.#maxExtensions) {
        const error = new ExtensionError(
          'EXTENSION_TOO_MANY',
          `only the first ${this.#maxExtensions} recipient extensions of a message are acted on`,
        );
        this.#refuse(message, element.oid, undefined, error);
        refused.push({ oid: element.oid, error });
        return;
      }
      const entry = this.#byOid.get(element.oid);
      if (entry === undefined) {
        if (element.critical) {
          const error = new ExtensionError(
            'EXTENSION_UNKNOWN_CRITICAL',
            `unknown critical recipient extension ${element.oid}`,
          );
          this.#refuse(message, element.oid, undefined, error);
          refused.push({ oid: element.oid, error });
        }
        return;
      }
      const id = pendingIdFor(message, index, element.content);
      if (this.#store.pendingItem(id) !== undefined) {
        duplicates.push(id);
        return;
      }
      let outcome: HandlerOutcome<PayloadBase>;
      try {
        const decoded = this.#decode(entry, element.content);
        outcome = entry.extension.handle(decoded.payload, this.#context(message, decoded.approval));
      } catch (error) {
        if (!(error instanceof ExtensionError)) throw error;
        this.#refuse(message, element.oid, entry.name, error);
        refused.push({ oid: element.oid, extension: entry.name, error });
        return;
      }
      const item: PendingItem = {
        id,
        extension: entry.name,
        oid: element.oid,
        messageId: message.messageId,
        ...(subject === undefined ? {} : { subject }),
        sender: message.sender,
        recipient: message.recipient,
        receivedAt: message.receivedAt,
        content: element.content,
        summary: outcome.summary,
        declared: outcome.replies.map((reply) => this.#declare(entry, reply)),
        heldBecause: 'POLICY_ASK',
      };
      const received = this.#audit('received', item, { detail: outcome.summary });
      const resolved = resolvePolicy(
        (key) => this.#store.policyRule(key),
        message.sender.address,
        entry.name,
      );
      if (resolved.policy === 'never' && resolved.scope !== undefined) {
        const approval: Approval = { by: 'default', scope: resolved.scope };
        this.#store.commit({
          audit: [
            received,
            this.#audit('declined', item, { approval, detail: 'declined silently by a default' }),
          ],
        });
        return;
      }
      const hold = this.#holdReason(resolved.policy, message, outcome);
      if (hold === undefined && resolved.scope !== undefined) {
        const approval: Approval = { by: 'default', scope: resolved.scope };
        const result = this.#approvalBatch(entry, item, outcome, approval);
        this.#store.commit({ ...result.batch, audit: [received, ...result.audit] });
        outgoing.push(...result.outgoing);
        return;
      }
      if (this.#store.pendingCount() >= this.#maxPending) {
        const error = new ExtensionError(
          'CONSENT_QUEUE_FULL',
          `${this.#maxPending} requests are already waiting; decide some first`,
        );
        this.#refuse(message, element.oid, entry.name, error);
        refused.push({ oid: element.oid, extension: entry.name, error });
        return;
      }
      const held: PendingItem = { ...item, heldBecause: hold ?? 'POLICY_ASK' };
      this.#store.commit({ putPending: [held], audit: [received] });
      pending.push(held);
    });
    return { pending, outgoing, refused, duplicates };
  }

  /**
   * A received message whose headers cannot be read: none of its requests can be acted
   * on. Logs it as `refused` (EXTENSION_HEADERS_UNREADABLE) with `reason`, so the user
   * can see that a message may have asked something.
   */
  skipUnreadable(message: Omit<IncomingMessage, 'headers'>, reason: string): void {
    const error = new ExtensionError(
      'EXTENSION_HEADERS_UNREADABLE',
      `the headers cannot be read, so no request in them is acted on: ${reason}`,
    );
    this.#refuse(message, undefined, undefined, error);
  }

  /**
   * Carries out the user's decision on pending item `id`. Approval re-checks the
   * request against the current state and sends exactly what the item declares; if it
   * can no longer be carried out (a game moved on), or would now send something else
   * (CONSENT_DECLARATION_CHANGED: the item then shows the new declaration), the item
   * stays pending, a `failed` entry is logged and the ExtensionError is thrown.
   * Returns the messages to send.
   */
  decide(id: string, choice: ConsentChoice): OutgoingMessage[] {
    const item = this.#store.pendingItem(id);
    if (item === undefined) {
      throw new ExtensionError('CONSENT_UNKNOWN_ITEM', `no pending item ${id}`);
    }
    const entry = this.#entry(item.extension);
    const { payload, approval: incomingApproval } = this.#decode(entry, item.content);
    const context = this.#context(this.#messageOf(item), incomingApproval);
    const approval: Approval = { by: 'person' };
    if (choice.kind === 'approve') {
      let outcome: HandlerOutcome<PayloadBase>;
      try {
        outcome = entry.extension.handle(payload, context);
        if (outcome.blockedBy !== undefined) throw outcome.blockedBy;
      } catch (error) {
        if (error instanceof ExtensionError) {
          this.#store.commit({
            audit: [this.#audit('failed', item, { code: error.code, detail: error.message })],
          });
        }
        throw error;
      }
      const declared = outcome.replies.map((reply) => this.#declare(entry, reply));
      if (!isDeepStrictEqual(declared, item.declared)) {
        // The user approved what they were shown; what would go out now differs (their
        // own vCard changed, say). Show the new declaration and ask again.
        const error = new ExtensionError(
          'CONSENT_DECLARATION_CHANGED',
          'what approving sends has changed since the request arrived; review it again',
        );
        this.#store.commit({
          putPending: [{ ...item, declared, summary: outcome.summary }],
          audit: [this.#audit('failed', item, { code: error.code, detail: error.message })],
        });
        throw error;
      }
      const result = this.#approvalBatch(entry, item, outcome, approval);
      this.#store.commit({ ...result.batch, audit: result.audit });
      return result.outgoing;
    }
    const notice =
      choice.notify === true ? entry.extension.declineNotice(payload, context) : undefined;
    if (choice.notify === true && notice === undefined) {
      throw new ExtensionError(
        'CONSENT_NOTICE_UNAVAILABLE',
        `${item.extension} has no decline notice; decline silently`,
      );
    }
    const outgoing = notice === undefined ? [] : [this.#reply(entry, notice, approval, item)];
    this.#store.commit({
      deletePending: [id],
      putOutgoing: outgoing,
      audit: [
        this.#audit('declined', item, {
          approval,
          detail: notice === undefined ? 'declined silently' : 'declined with a notice',
        }),
        ...outgoing.map((message) => this.#queued(message)),
      ],
    });
    return outgoing;
  }

  /** Sets (or, with `policy` undefined, removes) a default. */
  setPolicy(scope: PolicyScope<keyof Payloads & string>, policy: ConsentPolicy | undefined): void {
    const key = policyKey(scope);
    const rule: PolicyRule | undefined = policy === undefined ? undefined : { scope, policy };
    this.#store.commit({
      policies: [{ key, ...(rule === undefined ? {} : { rule }) }],
      audit: [
        {
          at: this.#clock(),
          action: 'policyChanged',
          detail: `${key} = ${policy ?? '(unset)'}`,
        },
      ],
    });
  }

  /**
   * Starts something on the user's behalf (the user's own action is their consent):
   * commits the action's state and returns the message to sign and send, from
   * `action.from` or else the local user's address.
   */
  initiate<K extends keyof Payloads & string>(
    name: K,
    action: UserAction<Payloads[K]>,
  ): OutgoingMessage {
    const entry = this.#entry(name);
    const from = action.from ?? this.#self().address;
    const message = this.#outgoing(entry, from, action.to, action.payload, {
      by: 'person',
    });
    this.#store.commit({
      state: action.writes,
      putOutgoing: [message],
      audit: [
        {
          at: this.#clock(),
          action: 'initiated',
          extension: name,
          peer: action.to.join(', '),
          outgoingId: message.id,
          approval: { by: 'person' },
          detail: entry.extension.subject(action.payload),
        },
        this.#queued(message),
      ],
    });
    return message;
  }

  /**
   * Like {@link initiate}, for a request that rides on a message the user writes (a
   * disposition-notification request): commits the action's state and returns the
   * extension element to put into that message's headers.
   */
  attach<K extends keyof Payloads & string>(
    name: K,
    action: UserAction<Payloads[K]>,
  ): Mt2Extension {
    const entry = this.#entry(name);
    this.#store.commit({
      state: action.writes,
      audit: [
        {
          at: this.#clock(),
          action: 'initiated',
          extension: name,
          peer: action.to.join(', '),
          approval: { by: 'person' },
          detail: entry.extension.subject(action.payload),
        },
      ],
    });
    return this.#element(entry, action.payload, { by: 'person' });
  }

  /** Records that the engine sent outgoing message `id`. */
  reportSent(id: string): void {
    this.#report(id, 'sent', 'sent');
  }

  /** Records that sending outgoing message `id` failed, with the engine's reason. */
  reportFailed(id: string, reason: string): void {
    this.#report(id, 'failed', reason);
  }

  /** The defaults the user has set (for the settings page). */
  policies(): PolicyRule[] {
    return this.#store.policyRules();
  }

  /** Items waiting for the user, oldest first. */
  pendingItems(): PendingItem[] {
    return this.#store.pendingItems();
  }

  /** The audit log, in order (entries after `afterSeq` only, when given). */
  auditLog(afterSeq?: number): AuditEntry[] {
    return this.#store.auditEntries(afterSeq);
  }

  #report(id: string, action: 'sent' | 'failed', detail: string): void {
    const message = this.#store.outgoingMessage(id);
    if (message === undefined) {
      throw new ExtensionError(
        'CONSENT_UNKNOWN_OUTGOING',
        `no outgoing message ${id} awaits a report`,
      );
    }
    this.#store.commit({
      deleteOutgoing: [id],
      audit: [
        {
          at: this.#clock(),
          action,
          extension: message.extension,
          peer: message.to.join(', '),
          outgoingId: id,
          approval: message.approval,
          detail,
        },
      ],
    });
  }

  #holdReason(
    policy: ConsentPolicy,
    message: IncomingMessage,
    outcome: HandlerOutcome<PayloadBase>,
  ): HoldReason | undefined {
    if (outcome.blockedBy !== undefined) return 'BLOCKED';
    if (policy !== 'always') return 'POLICY_ASK';
    if (!message.sender.verified) return 'UNVERIFIED_SENDER';
    return outcome.manualOnly;
  }

  #approvalBatch(
    entry: Entry,
    item: PendingItem,
    outcome: HandlerOutcome<PayloadBase>,
    approval: Approval,
  ): { batch: StoreBatch; audit: AuditDraft[]; outgoing: OutgoingMessage[] } {
    const outgoing = outcome.replies.map((reply) => this.#reply(entry, reply, approval, item));
    const action = approval.by === 'person' ? 'approved' : 'autoApproved';
    return {
      batch: { state: outcome.writes, putOutgoing: outgoing, deletePending: [item.id] },
      audit: [
        this.#audit(action, item, { approval, detail: outcome.summary }),
        ...outgoing.map((message) => this.#queued(message)),
      ],
      outgoing,
    };
  }

  #reply(
    entry: Entry,
    reply: ExtensionReply<PayloadBase>,
    approval: Approval,
    item: PendingItem,
  ): OutgoingMessage {
    return this.#outgoing(entry, item.recipient, [reply.to], reply.payload, approval, item);
  }

  #outgoing(
    entry: Entry,
    from: string,
    to: readonly string[],
    payload: PayloadBase,
    approval: Approval,
    inReplyTo?: PendingItem,
  ): OutgoingMessage {
    const element = this.#element(entry, payload, approval);
    const headers = messageHeaders(
      from,
      to,
      entry.extension.subject(payload),
      this.#clock(),
      element,
      inReplyTo?.messageId,
    );
    return {
      id: this.#newId(),
      extension: entry.name,
      from,
      to,
      headers,
      approval,
      ...(inReplyTo === undefined ? {} : { pendingId: inReplyTo.id }),
    };
  }

  #element(entry: Entry, payload: PayloadBase, approval: Approval): Mt2Extension {
    return encodePayload(entry.extension, payload, approval.by);
  }

  #declare(entry: Entry, reply: ExtensionReply<PayloadBase>): DeclaredReply {
    return { to: reply.to, content: encodePayload(entry.extension, reply.payload).content };
  }

  #decode(entry: Entry, content: PendingItem['content']): DecodedPayload<PayloadBase> {
    return decodePayload(entry.extension, content);
  }

  #entry(name: string): Entry {
    const entry = this.#byName.get(name);
    // Names come from the typed registry or from pending items this engine stored.
    if (entry === undefined) throw new Error(`extension ${name} is not in the registry`);
    return entry;
  }

  #context(message: IncomingMessage, incomingApproval?: ApprovalMark): HandlerContext {
    return {
      message,
      self: this.#self(),
      state: this.#store,
      ...(incomingApproval === undefined ? {} : { incomingApproval }),
    };
  }

  #messageOf(item: PendingItem): IncomingMessage {
    const fields: HeaderField[] =
      item.subject === undefined ? [] : [{ kind: 'subject', text: item.subject }];
    return {
      messageId: item.messageId,
      sender: item.sender,
      recipient: item.recipient,
      receivedAt: item.receivedAt,
      headers: { fields, extensions: [] },
    };
  }

  #refuse(
    message: Omit<IncomingMessage, 'headers'>,
    oid: string | undefined,
    extension: string | undefined,
    error: ExtensionError,
  ): void {
    this.#store.commit({
      audit: [
        {
          at: this.#clock(),
          action: 'refused',
          ...(extension === undefined ? {} : { extension }),
          peer: message.sender.address,
          verified: message.sender.verified,
          messageId: message.messageId,
          code: error.code,
          detail: oid === undefined ? error.message : `${oid}: ${error.message}`,
        },
      ],
    });
  }

  #queued(message: OutgoingMessage): AuditDraft {
    return {
      at: this.#clock(),
      action: 'queued',
      extension: message.extension,
      peer: message.to.join(', '),
      outgoingId: message.id,
      approval: message.approval,
      ...(message.pendingId === undefined ? {} : { pendingId: message.pendingId }),
      detail: 'handed to the engine to sign and send',
    };
  }

  #audit(
    action: AuditDraft['action'],
    item: PendingItem,
    extra: Pick<AuditDraft, 'detail'> & Partial<Pick<AuditDraft, 'approval' | 'code'>>,
  ): AuditDraft {
    return {
      at: this.#clock(),
      action,
      extension: item.extension,
      peer: item.sender.address,
      verified: item.sender.verified,
      messageId: item.messageId,
      pendingId: item.id,
      ...extra,
    };
  }
}
