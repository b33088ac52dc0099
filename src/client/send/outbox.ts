import type { SendStatusView } from '../../api/index.ts';
import { decodeEnvelope, encodeEnvelope } from '../../message/index.ts';
import { Mt2Error, type ClientSession } from '../../protocol/index.ts';
import { backoffDelayMs } from '../connection/backoff.ts';
import type { LocalStoreProxy, OutboxItem } from '../store/index.ts';
import { refusalText } from '../security/vocabulary.ts';
import type { ComposedMessage } from './compose.ts';
import { outgoingKey } from '../refs.ts';
import { addPostage, postageDemand } from './postage.ts';

/** What the outbox keeps per item (the store's draft JSON): the parts as built and signed. */
interface OutboxPayload {
  readonly version: 1;
  readonly msgId: string;
  readonly envelope: string;
  readonly headers: string;
  readonly body: string;
}

/** Attempts that may end in minting postage (a server asking again and again is refused). */
const MAX_POSTAGE_ROUNDS = 4;

/**
 * A session refuses every later part of a refused msg-id (docs/protocol.md 6.4), so a
 * message that now carries postage goes out in the next session: the connection ends
 * and reconnects at once.
 */
export class NewSessionNeeded extends Error {
  override readonly name = 'NewSessionNeeded';

  constructor() {
    super('the message now carries postage; sending it in a new session');
  }
}

/** Items sent per round. */
const DUE_BATCH = 50;

function payloadOf(item: OutboxItem): OutboxPayload {
  return JSON.parse(item.draftJson) as OutboxPayload;
}

/** Permanent refusals (class 5) fail the message; anything else is tried again later. */
function isPermanent(error: unknown): error is Mt2Error {
  return (
    error instanceof Mt2Error && error.code === 'REFUSED' && /^\d+\.\d+\.5\./.test(error.result)
  );
}

export interface OutboxEvents {
  /** `storedMsgId`: the outgoing copy's key in the store (see refs.ts). */
  readonly onStatus: (accountId: string, storedMsgId: string, send: SendStatusView) => void;
  readonly onMoved: () => void;
}

/**
 * The durable outbox (docs/client-engine.md, "Outbox states"). Items live in the local
 * store, so they survive restarts; the message itself sits in the `outbox` folder
 * until it is sent, then moves to `sent`. A message is built and signed once, so every
 * retry transfers the same msg-id (mt2d de-duplicates) and the same octets.
 */
export class Outbox {
  /** Items computing postage right now (a state the store does not need to keep). */
  private readonly minting = new Set<number>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly store: LocalStoreProxy,
    private readonly events: OutboxEvents,
  ) {}

  /** Items a crash left in `sending` go back to `queued` (the server de-duplicates). */
  async recover(): Promise<void> {
    for (const item of await this.store.listOutbox({ state: 'sending' })) {
      await this.store.updateOutboxItem(item.id, { state: 'queued', nextAttemptAt: new Date() });
    }
  }

  async queue(accountId: string, message: ComposedMessage): Promise<OutboxItem> {
    const payload: OutboxPayload = {
      version: 1,
      msgId: message.msgId,
      envelope: Buffer.from(encodeEnvelope(message.envelope)).toString('base64'),
      headers: Buffer.from(message.headers).toString('base64'),
      body: Buffer.from(message.body).toString('base64'),
    };
    const item = await this.store.addOutboxItem({ accountId, draftJson: JSON.stringify(payload) });
    return this.store.updateOutboxItem(item.id, { msgId: message.msgId });
  }

  /** The item that sends `msgId`, if any. */
  async itemFor(accountId: string, msgId: string): Promise<OutboxItem | undefined> {
    return (await this.itemsByMsgId(accountId)).get(msgId);
  }

  /** The account's items by the msg-id they send (the first item, if two send one). */
  async itemsByMsgId(accountId: string): Promise<Map<string, OutboxItem>> {
    const byMsgId = new Map<string, OutboxItem>();
    for (const item of await this.store.listOutbox({ accountId })) {
      if (item.msgId !== undefined && !byMsgId.has(item.msgId)) byMsgId.set(item.msgId, item);
    }
    return byMsgId;
  }

  statusOf(item: OutboxItem): SendStatusView {
    const state = this.minting.has(item.id) ? 'waiting-for-postage' : item.state;
    const problem = item.lastError;
    return {
      state,
      attempts: item.attempts,
      ...(state === 'queued' ? { nextAttemptAt: item.nextAttemptAt.toISOString() } : {}),
      ...(problem === undefined ? {} : { problem }),
    };
  }

  /** Sends every due item of the account over `session`; one run at a time per account. */
  run(accountId: string, session: ClientSession): Promise<void> {
    const busy = this.running.get(accountId);
    if (busy !== undefined) return busy;
    const work = this.sendDue(accountId, session).finally(() => this.running.delete(accountId));
    this.running.set(accountId, work);
    return work;
  }

  private async sendDue(accountId: string, session: ClientSession): Promise<void> {
    for (;;) {
      const due = (await this.store.dueOutboxItems(new Date(), DUE_BATCH)).filter(
        (item) => item.accountId === accountId,
      );
      if (due.length === 0) return;
      for (const item of due) await this.sendOne(item, session);
    }
  }

  private async update(
    item: OutboxItem,
    change: Parameters<LocalStoreProxy['updateOutboxItem']>[1],
  ) {
    const updated = await this.store.updateOutboxItem(item.id, change);
    if (updated.msgId !== undefined) {
      this.events.onStatus(updated.accountId, outgoingKey(updated.msgId), this.statusOf(updated));
    }
    return updated;
  }

  private async sendOne(queued: OutboxItem, session: ClientSession): Promise<void> {
    const item = await this.update(queued, { state: 'sending', attempts: queued.attempts + 1 });
    const payload = payloadOf(item);
    try {
      // Part by part, each acknowledged before the next: when the envelope is refused
      // (postage, say) that refusal is the one seen, not the later parts' "already
      // refused". Outgoing mail is few messages; the round trips do not matter.
      for (const part of ['envelope', 'headers', 'body'] as const) {
        await session.xfer(payload.msgId, `message/${part}`, Buffer.from(payload[part], 'base64'));
      }
      await this.store.moveMessages(item.accountId, [outgoingKey(payload.msgId)], 'sent');
      await this.update(item, { state: 'sent', lastError: null });
      this.events.onMoved();
    } catch (error) {
      const demand = postageDemand(error);
      if (demand !== undefined && item.attempts <= MAX_POSTAGE_ROUNDS) {
        const stamped = await this.withPostage(item, payload, demand.bits);
        await this.update(item, {
          draftJson: JSON.stringify(stamped),
          state: 'queued',
          nextAttemptAt: new Date(),
          lastError: null,
        });
        throw new NewSessionNeeded();
      }
      if (isPermanent(error)) {
        await this.update(item, {
          state: 'failed',
          lastError: refusalText(error.result, error.message),
        });
        return;
      }
      await this.update(item, {
        state: 'queued',
        nextAttemptAt: new Date(Date.now() + backoffDelayMs(item.attempts)),
        lastError: `Not sent yet: ${error instanceof Error ? error.message : String(error)}`,
      });
      throw error;
    }
  }

  private async withPostage(
    item: OutboxItem,
    payload: OutboxPayload,
    bits: number,
  ): Promise<OutboxPayload> {
    this.minting.add(item.id);
    if (item.msgId !== undefined)
      this.events.onStatus(item.accountId, item.msgId, this.statusOf(item));
    try {
      const envelope = decodeEnvelope(Buffer.from(payload.envelope, 'base64'));
      const stamped = await addPostage(envelope, bits);
      return { ...payload, envelope: Buffer.from(encodeEnvelope(stamped)).toString('base64') };
    } finally {
      this.minting.delete(item.id);
    }
  }

  /** Queues a failed item again, now. */
  async retry(item: OutboxItem): Promise<OutboxItem> {
    return this.update(item, { state: 'queued', nextAttemptAt: new Date(), lastError: null });
  }

  /** Records an error report that came back for a sent message. */
  async reportFailure(item: OutboxItem, reportJson: string, text: string): Promise<void> {
    await this.update(item, { state: 'failed', errorReportJson: reportJson, lastError: text });
  }
}
