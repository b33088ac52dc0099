// The benchmark peers' public face, for bench/ scripts and tests.
export { PeerError, type PeerErrorCode } from './errors.ts';
export { formatTable, runInn, runSmtpSink, type PeerRun } from './baseline.ts';
export {
  MAX_BODY_BYTES,
  MAX_MESSAGE_COUNT,
  MAX_RUN_PAYLOAD_BYTES,
  MIN_BODY_BYTES,
  benchBody,
  benchMessage,
  checkRun,
  formatRfc5322,
  newRunId,
  type BenchMessage,
} from './messages.ts';
export {
  DEFAULT_TAKETHIS_WINDOW,
  MAX_NNTP_REPLY_BYTES,
  MAX_TAKETHIS_WINDOW,
  checkWindow,
  encodeMultiLine,
  streamArticles,
  type NntpArticle,
  type NntpStreamOptions,
  type NntpStreamResult,
} from './nntp-stream.ts';
export {
  BENCH_NEWSGROUP,
  privateInnConf,
  startInn,
  type InnFeedOptions,
  type InnOptions,
  type InnServer,
} from './inn2.ts';
export {
  lastSinkCounters,
  startSmtpSink,
  type SmtpSendOptions,
  type SmtpSendResult,
  type SmtpSink,
  type SmtpSinkOptions,
} from './postfix.ts';
export {
  BENCH_IMAP_USER,
  startDovecot,
  type DovecotOptions,
  type DovecotServer,
  type HeaderFetchResult,
  type ImapEndpoint,
} from './dovecot.ts';
export {
  startImapFetchProcess,
  type HeaderFetchSummary,
  type ImapFetchProcess,
} from './imap-fetch-process.ts';
