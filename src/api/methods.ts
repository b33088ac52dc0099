import { z } from 'zod';
import type {
  AccountView,
  AppStatus,
  AttachmentData,
  AuditEntryView,
  BodyView,
  CertificateDetailsView,
  CertificateListView,
  CertificateRequestView,
  ChessGameView,
  ConsentDefaultView,
  ConsentRequestView,
  ContactView,
  FolderView,
  ListMembershipView,
  MessageSummaryView,
  MessageView,
  MyVcardView,
  Page,
  RenewalView,
  TrustSettingsView,
  VcardContactView,
} from './views.ts';

/**
 * The engine's methods: each one's parameters as a schema (the main process and the web
 * host validate every call against it before the engine sees it) and its result type in
 * {@link ApiResults}. Strict objects: an unknown key is an error, not ignored.
 */

const MAX_TEXT = 1024 * 1024;
const MAX_ATTACHMENTS_BASE64 = 34 * 1024 * 1024; // 25 MiB of octets
const MAX_RECIPIENTS = 100;
const MAX_PAGE = 500;
const MAX_BATCH = 1000;

const short = z.string().max(256);
const address = z.string().min(3).max(320);
const passphrase = z.string().min(1).max(1024);
const ref = z.string().min(1).max(128);
const fingerprint = z.string().regex(/^[0-9a-f]{64}$/);
const folder = z.enum(['inbox', 'sent', 'outbox', 'trash']);
const pageCursor = z.string().max(512);
const limit = z.number().int().min(1).max(MAX_PAGE);
const server = z.strictObject({
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
});
const domainList = z.array(z.string().min(1).max(253)).max(MAX_BATCH);
const consentRule = z.enum(['ask', 'always', 'never']);
const caResolver = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('static-file'),
    // Absolute: the engine's working folder means nothing to the user.
    folder: z
      .string()
      .max(4096)
      .regex(/^(?:\/|[A-Za-z]:[\\/])/, 'an absolute folder path'),
  }),
  z.strictObject({
    kind: z.literal('dns'),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535),
  }),
  z.strictObject({
    kind: z.literal('ldap'),
    url: z
      .string()
      .max(2048)
      .regex(/^ldaps?:\/\/[^\s/]+/, 'an ldap:// or ldaps:// URL'),
  }),
]);

const attachment = z.strictObject({
  filename: z.string().min(1).max(255),
  contentType: z.string().min(3).max(255),
  data: z.base64().max(MAX_ATTACHMENTS_BASE64),
});

const draft = z.strictObject({
  accountId: ref,
  to: z.array(address).max(MAX_RECIPIENTS),
  cc: z.array(address).max(MAX_RECIPIENTS),
  subject: z.string().max(998),
  text: z.string().max(MAX_TEXT),
  html: z.string().max(MAX_TEXT).optional(),
  attachments: z.array(attachment).max(100),
  sign: z.boolean(),
  encrypt: z.boolean(),
  /** The message this replies to or forwards, for threading headers. */
  inReplyTo: ref.optional(),
  forwardOf: ref.optional(),
  requestReadNotification: z.boolean(),
});

const none = z.strictObject({});

export const API_METHODS = {
  /** Whether onboarding or unlocking is needed, and the accounts. */
  status: none,
  /** First run: a local domain on the embedded mt2d, its CA, and the user's key and certificate. */
  createLocalIdentity: z.strictObject({
    displayName: short,
    localPart: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
    /** Encrypts the private key at rest. */
    passphrase,
  }),
  /** A remote account: a PKCS#12 file (key, certificate, chain) and the server to use. */
  importIdentity: z.strictObject({
    p12: z.base64().max(1024 * 1024),
    p12Password: z.string().max(1024),
    passphrase,
    server,
  }),
  /** Unlocks the private keys for this run. */
  unlock: z.strictObject({ passphrase }),
  syncNow: z.strictObject({ accountId: ref.optional() }),

  listFolders: none,
  listMessages: z.strictObject({
    folder,
    filter: z.enum(['all', 'unread', 'flagged']).optional(),
    after: pageCursor.optional(),
    limit,
  }),
  search: z.strictObject({
    query: z.string().min(1).max(1024),
    after: pageCursor.optional(),
    limit,
  }),
  getMessage: z.strictObject({ ref }),
  /**
   * One message's list row, as listMessages shows it, read from the store alone (no
   * headers decoded, no body, nothing fetched): for a row a list keeps in view after it
   * stopped matching the list's filter.
   */
  getSummary: z.strictObject({ ref }),
  /** Fetches the body if needed (progress arrives as `body-progress` events). */
  openBody: z.strictObject({ ref }),
  getAttachment: z.strictObject({ ref, index: z.number().int().min(0).max(1000) }),
  allowRemoteContent: z.strictObject({ ref, scope: z.enum(['message', 'sender']) }),
  setFlags: z.strictObject({
    refs: z.array(ref).min(1).max(MAX_BATCH),
    seen: z.boolean().optional(),
    flagged: z.boolean().optional(),
  }),
  /** Moves to trash; from trash, deletes on the server; from the outbox, cancels sending. */
  deleteMessages: z.strictObject({ refs: z.array(ref).min(1).max(MAX_BATCH) }),
  /** Takes messages out of the trash: back to the inbox, or to Sent for one's own sent mail. */
  restoreMessages: z.strictObject({ refs: z.array(ref).min(1).max(MAX_BATCH) }),

  /** Queues a message in the outbox; it is sent when possible, surviving restarts. */
  send: draft,
  retrySend: z.strictObject({ ref }),
  cancelSend: z.strictObject({ ref }),

  listContacts: none,

  listConsentRequests: none,
  decideConsent: z.strictObject({
    id: ref,
    decision: z.enum(['approve', 'decline']),
    /** Declining is silent unless the user asks to tell the sender. */
    notifySender: z.boolean().optional(),
    /** Remember the choice as a default for this extension (and sender, if given). */
    remember: z.strictObject({ sender: z.boolean(), rule: consentRule }).optional(),
  }),
  listConsentDefaults: none,
  /** `extension` `*` with a sender: the default for everything from that sender. */
  setConsentDefault: z.strictObject({
    extension: short,
    sender: address.optional(),
    rule: consentRule,
  }),
  auditLog: z.strictObject({ after: z.number().int().min(0).optional() }),

  // The user's own recipient-extension actions (docs/extensions.md): each sends a signed message.
  startChessGame: z.strictObject({ opponent: address, color: z.enum(['w', 'b']) }),
  /** A move in SAN ("Nf3") or as squares ("g1f3", "e7e8q"). */
  chessMove: z.strictObject({ game: ref, move: z.string().min(2).max(16) }),
  chessResign: z.strictObject({ game: ref }),
  chessOfferDraw: z.strictObject({ game: ref }),
  listChessGames: none,
  requestVcard: z.strictObject({ to: address }),
  shareVcard: z.strictObject({ to: address }),
  myVcard: none,
  setMyVcard: z.strictObject({
    fullName: z.string().min(1).max(256),
    emails: z.array(address).max(10).optional(),
    phones: z.array(z.string().min(1).max(64)).max(10).optional(),
    organization: short.optional(),
    note: z.string().max(4096).optional(),
  }),
  /** Contacts learned from approved vCards, with the sender's certificate fingerprint. */
  listVcardContacts: none,
  subscribeList: z.strictObject({ list: address }),
  unsubscribeList: z.strictObject({ list: address }),
  listMemberships: none,

  listCertificates: none,
  /**
   * A certificate's details and verdict; with `message`, the certificate that message
   * carries, judged as its sender's (the reader's verdict, in the manager).
   */
  certificateDetails: z.strictObject({ fingerprint, message: ref.optional() }),
  /** Imports someone's certificate (PEM or base64 DER) into the people store. */
  importCertificate: z.strictObject({
    data: z
      .string()
      .min(1)
      .max(256 * 1024),
  }),
  /** Writes the account's identity as PKCS#12 to `path` on this machine (never to the UI). */
  exportIdentity: z.strictObject({
    accountId: ref,
    path: z.string().min(1).max(4096),
    p12Password: z.string().min(1).max(1024),
  }),
  /**
   * A new key for the account (encrypted at rest with the passphrase, which must be the
   * one that unlocks the app) and its CSR, for a CA; replaces an earlier pending request.
   */
  createCertificateRequest: z.strictObject({ accountId: ref, passphrase }),
  /** The account's pending certificate request, or null. */
  certificateRequest: z.strictObject({ accountId: ref }),
  /**
   * Installs the certificate a CA issued for the pending request (PEM, its CA chain may
   * follow). Refused unless it is for the pending key, names the account's address and
   * chains to a CA the account trusts; nothing changes then. The old certificate and
   * key are kept for old mail.
   */
  installCertificate: z.strictObject({
    accountId: ref,
    certificatePem: z
      .string()
      .min(1)
      .max(256 * 1024),
    passphrase,
  }),
  /** A new key and certificate: issued at once for the embedded account, else a new CSR. */
  renewCertificate: z.strictObject({ accountId: ref, passphrase }),
  trustSettings: none,
  setTrustSettings: z.strictObject({
    blacklistedIssuerDomains: domainList,
    vouchedAddresses: z.array(address).max(MAX_BATCH),
    trustedGatewayHosts: domainList,
    /** Absent: delegated validation stays as it is (the trust form leaves it to Authorities). */
    delegatedValidation: z.boolean().optional(),
    /** Absent: the resolvers stay as they are. */
    resolvers: z.array(caResolver).max(8).optional(),
  }),
} as const;

export type ApiMethod = keyof typeof API_METHODS;
export type ApiParams<M extends ApiMethod> = z.infer<(typeof API_METHODS)[M]>;
export type DraftInput = ApiParams<'send'>;

/** Results; `null` where there is nothing to return (JSON has no undefined). */
export interface ApiResults {
  status: AppStatus;
  createLocalIdentity: AccountView;
  importIdentity: AccountView;
  unlock: AppStatus;
  syncNow: null;
  listFolders: readonly FolderView[];
  listMessages: Page<MessageSummaryView>;
  search: Page<MessageSummaryView>;
  getMessage: MessageView;
  getSummary: MessageSummaryView;
  openBody: BodyView;
  getAttachment: AttachmentData;
  allowRemoteContent: BodyView;
  setFlags: null;
  deleteMessages: null;
  restoreMessages: null;
  send: MessageSummaryView;
  retrySend: MessageSummaryView;
  cancelSend: null;
  listContacts: readonly ContactView[];
  listConsentRequests: readonly ConsentRequestView[];
  decideConsent: null;
  listConsentDefaults: readonly ConsentDefaultView[];
  setConsentDefault: null;
  auditLog: readonly AuditEntryView[];
  startChessGame: ChessGameView;
  chessMove: ChessGameView;
  chessResign: ChessGameView;
  chessOfferDraw: ChessGameView;
  listChessGames: readonly ChessGameView[];
  requestVcard: null;
  shareVcard: null;
  myVcard: MyVcardView;
  setMyVcard: MyVcardView;
  listVcardContacts: readonly VcardContactView[];
  subscribeList: null;
  unsubscribeList: null;
  listMemberships: readonly ListMembershipView[];
  listCertificates: CertificateListView;
  certificateDetails: CertificateDetailsView;
  importCertificate: CertificateDetailsView;
  exportIdentity: null;
  createCertificateRequest: CertificateRequestView;
  certificateRequest: CertificateRequestView | null;
  installCertificate: AccountView;
  renewCertificate: RenewalView;
  trustSettings: TrustSettingsView;
  setTrustSettings: TrustSettingsView;
}

/** The engine as the UI sees it: every method takes its params and answers a promise. */
export type Mt2Api = {
  readonly [M in ApiMethod]: (params: ApiParams<M>) => Promise<ApiResults[M]>;
};

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.hasOwn(API_METHODS, name);
}
