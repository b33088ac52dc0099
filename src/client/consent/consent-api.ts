// The consent part of the engine's API: the consent center, defaults, the audit log,
// and the user's own extension actions, each answered from the ConsentService.
import type { ApiEvent, ApiParams, ApiResults, DraftInput } from '../../api/index.ts';
import type { ChessGame, OutgoingMessage } from '../../extensions/index.ts';
import type { Mt2Extension } from '../../message/index.ts';
import { ENGINE_ERROR, engineError } from '../errors.ts';
import { chessGameView } from './chess-view.ts';
import { replyBodyText } from './consent-views.ts';
import {
  ConsentService,
  type ReceivedForConsent,
  type UnreadableForConsent,
} from './consent-service.ts';
import { MyVcard } from './my-vcard.ts';

/** The API methods this module answers. */
export type ConsentMethod =
  | 'listConsentRequests'
  | 'decideConsent'
  | 'listConsentDefaults'
  | 'setConsentDefault'
  | 'auditLog'
  | 'startChessGame'
  | 'chessMove'
  | 'chessResign'
  | 'chessOfferDraw'
  | 'listChessGames'
  | 'requestVcard'
  | 'shareVcard'
  | 'myVcard'
  | 'setMyVcard'
  | 'listVcardContacts'
  | 'subscribeList'
  | 'unsubscribeList'
  | 'listMemberships';

type Handlers = {
  readonly [M in ConsentMethod]: (params: ApiParams<M>) => Promise<ApiResults[M]> | ApiResults[M];
};

/** What the consent API needs from the engine. */
export interface ConsentApiOptions {
  readonly dataDir: string;
  /** The local store's file (the consent store opens its own connection to it). */
  readonly storePath: string;
  /** The primary account's address (replies go out from it). */
  readonly selfAddress: () => string | undefined;
  /** The account whose address is `address` (a reply goes out from the account that got the request). */
  readonly accountIdOf: (address: string) => string | undefined;
  /** Signs and queues a message with `extensions` in its headers. */
  readonly send: (
    draft: ApiParams<'send'>,
    extensions: (msgId: string) => readonly Mt2Extension[],
  ) => Promise<unknown>;
  readonly emit: (event: ApiEvent) => void;
}

export class ConsentApi {
  readonly #service: ConsentService;
  readonly #vcard: MyVcard;
  readonly #options: ConsentApiOptions;

  constructor(options: ConsentApiOptions) {
    this.#options = options;
    this.#vcard = new MyVcard(options.dataDir);
    this.#service = new ConsentService(
      options.storePath,
      () => {
        const vcard = this.#vcard.text;
        return { address: options.selfAddress() ?? '', ...(vcard === undefined ? {} : { vcard }) };
      },
      {
        send: (message) => this.#sendOutgoing(message),
        changed: (pending) => {
          options.emit({ type: 'consent-changed', pending });
        },
      },
    );
  }

  close(): void {
    this.#service.close();
  }

  receive(received: ReceivedForConsent): Promise<unknown> {
    return this.#service.receive(received);
  }

  skipUnreadable(unreadable: UnreadableForConsent): void {
    this.#service.skipUnreadable(unreadable);
  }

  readNotificationRequest(messageId: string, recipients: readonly string[]): Mt2Extension {
    return this.#service.readNotificationRequest(messageId, recipients);
  }

  /** Pending requests by the message that carried them (list counts, the reader's inline cards). */
  pendingByMessage() {
    return this.#service.pendingByMessage();
  }

  call<M extends ConsentMethod>(name: M, params: ApiParams<M>): Promise<ApiResults[M]> {
    const handler = this.#handlers[name] as (
      params: ApiParams<M>,
    ) => Promise<ApiResults[M]> | ApiResults[M];
    return Promise.resolve(handler(params));
  }

  /**
   * A consent reply or user action as a signed message from the account it names as
   * sender: a reply from the account that received the request, an action from the primary.
   */
  async #sendOutgoing(message: OutgoingMessage): Promise<void> {
    const accountId = this.#options.accountIdOf(message.from);
    if (accountId === undefined) {
      throw engineError(ENGINE_ERROR.CONSENT, `No account here sends as ${message.from}.`);
    }
    const subject = message.headers.fields.find((field) => field.kind === 'subject');
    const draft: DraftInput = {
      accountId,
      to: [...message.to],
      cc: [],
      subject: subject?.kind === 'subject' ? subject.text : message.extension,
      text: replyBodyText(message.approval.by),
      attachments: [],
      sign: true,
      encrypt: false,
      requestReadNotification: false,
    };
    await this.#options.send(draft, () => message.headers.extensions);
  }

  readonly #handlers: Handlers = {
    listConsentRequests: () => this.#service.listRequests(),
    decideConsent: async (params) => {
      await this.#service.decide(
        params.id,
        params.decision,
        params.notifySender ?? false,
        params.remember,
      );
      return null;
    },
    listConsentDefaults: () => this.#service.listDefaults(),
    setConsentDefault: (params) => {
      this.#service.setDefault(params.extension, params.sender, params.rule);
      return null;
    },
    auditLog: (params) => this.#service.auditLog(params.after),
    startChessGame: async (params) =>
      this.#gameView(await this.#service.startChess(params.opponent, params.color)),
    chessMove: async (params) =>
      this.#gameView(await this.#service.chessMove(params.game, params.move)),
    chessResign: async (params) => this.#gameView(await this.#service.chessResign(params.game)),
    chessOfferDraw: async (params) =>
      this.#gameView(await this.#service.chessOfferDraw(params.game)),
    listChessGames: () => {
      const offers = this.#service.drawOffers();
      return this.#service.chessGames().map((game) => chessGameView(game, offers.get(game.id)));
    },
    requestVcard: async (params) => {
      await this.#service.askVcard(params.to);
      return null;
    },
    shareVcard: async (params) => {
      await this.#service.sendMyVcard(params.to);
      return null;
    },
    myVcard: () => this.#myVcard(),
    setMyVcard: (params) => {
      try {
        this.#vcard.set({
          fullName: params.fullName,
          ...(params.emails === undefined ? {} : { emails: params.emails }),
          ...(params.phones === undefined ? {} : { phones: params.phones }),
          ...(params.organization === undefined ? {} : { organization: params.organization }),
          ...(params.note === undefined ? {} : { note: params.note }),
        });
      } catch (error) {
        throw engineError(
          ENGINE_ERROR.CONSENT,
          `That vCard cannot be written: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return this.#myVcard();
    },
    listVcardContacts: () =>
      this.#service.vcardContacts().map((contact) => ({
        address: contact.address,
        fullName: contact.fullName,
        vcard: contact.vcard,
        ...(contact.certificateFingerprint === undefined
          ? {}
          : { certificateFingerprint: contact.certificateFingerprint }),
        verified: contact.verified,
        updatedAt: contact.updatedAt.toISOString(),
      })),
    subscribeList: async (params) => {
      await this.#service.subscribeList(params.list);
      return null;
    },
    unsubscribeList: async (params) => {
      await this.#service.unsubscribeList(params.list);
      return null;
    },
    listMemberships: () =>
      this.#service.lists().map((membership) => ({
        list: membership.list,
        status: membership.status,
        ...(membership.name === undefined ? {} : { name: membership.name }),
        since: membership.since.toISOString(),
      })),
  };

  #gameView(game: ChessGame) {
    return chessGameView(game, this.#service.drawOffers().get(game.id));
  }

  #myVcard() {
    const vcard = this.#vcard.text;
    const fullName = this.#vcard.fullName;
    return {
      ...(vcard === undefined ? {} : { vcard }),
      ...(fullName === undefined ? {} : { fullName }),
    };
  }
}
