// The client side of recipient extensions: received messages' requests go to the
// consent engine (src/extensions) with the sender's verification verdict; what it
// returns to send goes through the outbox, signed; the user's own actions (a chess
// move, a vCard request, a list subscription) go out the same way.
//
// The consent engine is synchronous and calls its store from inside the extensions'
// handlers, so it cannot sit behind the store worker's message channel. It runs here,
// on the engine's thread, with its own SQLite connection to the same file (WAL lets
// it work beside the worker's connection); each call is one short transaction.
import { randomUUID } from 'node:crypto';
import type {
  AuditEntryView,
  ConsentDefaultView,
  ConsentRequestView,
  ConsentRule,
} from '../../api/index.ts';
import {
  ConsentEngine,
  ExtensionError,
  RECIPIENT_EXTENSIONS,
  offerChessDraw,
  playChessMove,
  requestDisposition,
  requestVcard,
  resignChessGame,
  shareVcard,
  startChessGame,
  subscribeToList,
  unsubscribeFromList,
  type ChessColor,
  type ChessGame,
  type Contact,
  type IncomingMessage,
  type ListMembership,
  type LocalUser,
  type OutgoingMessage,
  type PolicyScope,
  type ReceiveResult,
  type RecipientExtensionName,
  type RecipientPayloads,
  type UserAction,
} from '../../extensions/index.ts';
import type { Mt2Extension, Mt2Headers } from '../../message/index.ts';
import { ENGINE_ERROR, engineError } from '../errors.ts';
import type { StoredVerification } from '../security/verify-incoming.ts';
import { SqliteConsentStore } from '../store/index.ts';
import { auditEntryView, requestView } from './consent-views.ts';
import { drawOfferGame } from './request-details.ts';

/** What the consent service needs from the engine around it. */
export interface ConsentHost {
  /** Signs and queues `message` in the outbox of the account sending from `message.from`. */
  readonly send: (message: OutgoingMessage) => Promise<void>;
  /** The number of pending requests changed. */
  readonly changed: (pending: number) => void;
}

/** A received message as the sync hands it over: its decoded headers and its verdict. */
export interface ReceivedForConsent {
  readonly recipient: string;
  readonly messageId: string;
  readonly sender: string;
  readonly receivedAt: Date;
  readonly headers: Mt2Headers;
  readonly verification: StoredVerification;
}

/** A received message whose headers could not be read, with the reason. */
export type UnreadableForConsent = Omit<ReceivedForConsent, 'headers'> & {
  readonly problem: string;
};

/** The `extension` of a sender-wide default (every extension from that sender). */
const ALL_EXTENSIONS = '*';

const EXTENSION_NAMES = Object.keys(RECIPIENT_EXTENSIONS) as RecipientExtensionName[];

function isExtensionName(name: string): name is RecipientExtensionName {
  return (EXTENSION_NAMES as readonly string[]).includes(name);
}

/** Verified means: signed by a certificate that validates for the sender's address. */
function senderIdentity(received: Omit<ReceivedForConsent, 'headers'>): IncomingMessage['sender'] {
  const { signature, certificate } = received.verification;
  const verified =
    signature.state === 'valid' &&
    certificate?.valid === true &&
    certificate.certificate.subject.toLowerCase() === received.sender.toLowerCase();
  return {
    address: received.sender,
    verified,
    ...(certificate === undefined
      ? {}
      : { certificateFingerprint: certificate.certificate.fingerprint }),
  };
}

export class ConsentService {
  readonly #store: SqliteConsentStore;
  readonly #engine: ConsentEngine<RecipientPayloads>;
  readonly #host: ConsentHost;
  readonly #self: () => LocalUser;

  constructor(storePath: string, self: () => LocalUser, host: ConsentHost) {
    this.#store = SqliteConsentStore.open({ path: storePath });
    this.#self = self;
    this.#host = host;
    this.#engine = new ConsentEngine({ store: this.#store, registry: RECIPIENT_EXTENSIONS, self });
  }

  close(): void {
    this.#store.close();
  }

  /** How many requests wait for the user. */
  pendingCount(): number {
    return this.#store.pendingCount();
  }

  /**
   * Pending requests by the message that carried them, in the order of listRequests():
   * one read of the pending items for a whole page of messages.
   */
  pendingByMessage(): Map<string, ConsentRequestView[]> {
    const byMessage = new Map<string, ConsentRequestView[]>();
    for (const view of this.listRequests()) {
      const views = byMessage.get(view.messageId);
      if (views === undefined) byMessage.set(view.messageId, [view]);
      else views.push(view);
    }
    return byMessage;
  }

  /** Hands a received message's recipient extensions to the consent engine. */
  async receive(received: ReceivedForConsent): Promise<ReceiveResult | undefined> {
    if (received.headers.extensions.length === 0) return undefined;
    const result = this.#engine.receive({
      messageId: received.messageId,
      sender: senderIdentity(received),
      recipient: received.recipient,
      receivedAt: received.receivedAt,
      headers: received.headers,
    });
    await this.#sendAll(result.outgoing);
    if (result.pending.length > 0 || result.outgoing.length > 0) {
      this.#host.changed(this.pendingCount());
    }
    return result;
  }

  /** Nothing of a message with unreadable headers is acted on; the audit log says why. */
  skipUnreadable(unreadable: UnreadableForConsent): void {
    this.#engine.skipUnreadable(
      {
        messageId: unreadable.messageId,
        sender: senderIdentity(unreadable),
        recipient: unreadable.recipient,
        receivedAt: unreadable.receivedAt,
      },
      unreadable.problem,
    );
  }

  listRequests(): (ConsentRequestView & { readonly messageId: string })[] {
    return this.#engine.pendingItems().map(requestView);
  }

  async decide(
    id: string,
    decision: 'approve' | 'decline',
    notifySender: boolean,
    remember?: { readonly sender: boolean; readonly rule: ConsentRule },
  ): Promise<void> {
    const item = this.#store.pendingItem(id);
    if (item === undefined) {
      throw engineError(ENGINE_ERROR.CONSENT, 'There is no such request (it was decided already).');
    }
    const outgoing = this.#guard(() =>
      this.#engine.decide(
        id,
        decision === 'approve' ? { kind: 'approve' } : { kind: 'decline', notify: notifySender },
      ),
    );
    if (remember !== undefined) {
      this.setDefault(
        item.extension,
        remember.sender ? item.sender.address : undefined,
        remember.rule,
      );
    }
    await this.#sendAll(outgoing);
    this.#host.changed(this.pendingCount());
  }

  listDefaults(): ConsentDefaultView[] {
    return this.#engine.policies().flatMap((rule): ConsentDefaultView[] => {
      const scope = rule.scope;
      switch (scope.kind) {
        case 'extension':
          return [{ extension: scope.extension, rule: rule.policy }];
        case 'senderExtension':
          return [{ extension: scope.extension, sender: scope.sender, rule: rule.policy }];
        case 'sender':
          return [{ extension: ALL_EXTENSIONS, sender: scope.sender, rule: rule.policy }];
      }
    });
  }

  /** A default for one extension, one sender and extension, or (extension `*`) one sender. */
  setDefault(extension: string, sender: string | undefined, rule: ConsentRule): void {
    if (extension === ALL_EXTENSIONS) {
      if (sender === undefined) {
        throw engineError(
          ENGINE_ERROR.CONSENT,
          'A default for every extension needs a sender; set each extension on its own.',
        );
      }
      this.#engine.setPolicy({ kind: 'sender', sender }, rule);
      return;
    }
    if (!isExtensionName(extension)) {
      throw engineError(
        ENGINE_ERROR.CONSENT,
        `There is no extension "${extension}" (known: ${EXTENSION_NAMES.join(', ')}).`,
      );
    }
    const scope: PolicyScope<RecipientExtensionName> =
      sender === undefined
        ? { kind: 'extension', extension }
        : { kind: 'senderExtension', sender, extension };
    this.#engine.setPolicy(scope, rule);
  }

  auditLog(after?: number): AuditEntryView[] {
    return this.#engine.auditLog(after).map(auditEntryView);
  }

  // ---- the user's own actions ----

  startChess(opponent: string, color: ChessColor): Promise<ChessGame> {
    const id = randomUUID();
    const me = this.#self().address;
    return this.#act('chess', () =>
      startChessGame({ id, me, opponent, myColor: color, date: new Date() }),
    ).then(() => this.chessGame(id));
  }

  async chessMove(game: string, san: string): Promise<ChessGame> {
    await this.#act('chess', () => playChessMove(this.#store, game, san));
    return this.chessGame(game);
  }

  async chessResign(game: string): Promise<ChessGame> {
    await this.#act('chess', () => resignChessGame(this.#store, game));
    return this.chessGame(game);
  }

  async chessOfferDraw(game: string): Promise<ChessGame> {
    await this.#act('chess', () => offerChessDraw(this.#store, game));
    return this.chessGame(game);
  }

  chessGames(): ChessGame[] {
    return this.#store.list('chessGames');
  }

  /** Pending draw offers: the request id by game. */
  drawOffers(): Map<string, string> {
    const offers = new Map<string, string>();
    for (const item of this.#engine.pendingItems()) {
      const game = drawOfferGame(item);
      if (game !== undefined) offers.set(game, item.id);
    }
    return offers;
  }

  chessGame(id: string): ChessGame {
    const game = this.#store.get('chessGames', id);
    if (game === undefined) throw engineError(ENGINE_ERROR.CONSENT, `There is no game ${id}.`);
    return game;
  }

  async askVcard(to: string): Promise<void> {
    await this.#act('vcard', () => requestVcard(to));
  }

  async sendMyVcard(to: string): Promise<void> {
    const vcard = this.#self().vcard;
    if (vcard === undefined) {
      throw engineError(ENGINE_ERROR.CONSENT, 'Set up your vCard in settings first.');
    }
    await this.#act('vcard', () => shareVcard(to, vcard));
  }

  vcardContacts(): Contact[] {
    return this.#store.list('contacts');
  }

  async subscribeList(list: string): Promise<void> {
    await this.#act('mailingList', () => subscribeToList(list, new Date()));
  }

  async unsubscribeList(list: string): Promise<void> {
    await this.#act('mailingList', () => unsubscribeFromList(this.#store, list, new Date()));
  }

  /** Every list the user is on, joining or leaving. */
  lists(): ListMembership[] {
    return this.#store.list('listMemberships');
  }

  /** The element asking `recipients` for a read notification, for a message being sent. */
  readNotificationRequest(messageId: string, recipients: readonly string[]): Mt2Extension {
    const notifyTo = this.#self().address;
    return this.#guard(() =>
      this.#engine.attach('disposition', requestDisposition({ messageId, recipients, notifyTo })),
    );
  }

  async #act<K extends RecipientExtensionName>(
    name: K,
    action: () => UserAction<RecipientPayloads[K]>,
  ): Promise<void> {
    const message = this.#guard(() => this.#engine.initiate(name, action()));
    await this.#sendAll([message]);
  }

  async #sendAll(messages: readonly OutgoingMessage[]): Promise<void> {
    for (const message of messages) {
      try {
        await this.#host.send(message);
        this.#engine.reportSent(message.id);
      } catch (error) {
        this.#engine.reportFailed(
          message.id,
          error instanceof Error ? error.message : String(error),
        );
        throw error;
      }
    }
  }

  /** Extension errors become API errors with the extension's reason. */
  #guard<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof ExtensionError) {
        throw engineError(ENGINE_ERROR.CONSENT, `${error.message} (${error.code})`);
      }
      throw error;
    }
  }
}
