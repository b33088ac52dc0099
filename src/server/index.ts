export * from './store/index.ts';
export * from './routing/index.ts';
export * from './postage/index.ts';
export * from './relay/index.ts';
export { DaemonError, DAEMON_ERROR_CODES, type DaemonErrorCode } from './daemon/errors.ts';
export {
  parseConfig,
  readConfig,
  writeConfig,
  defaultConfig,
  DEFAULT_LIMITS as DEFAULT_SERVER_LIMITS,
  type ServerConfig,
  type ServerLimits,
  type PostageConfig,
  type FilterConfig,
  type TrustConfig,
  type RelayConfig,
  type ListsConfig,
  DEFAULT_LIST_LIMITS,
} from './daemon/config.ts';
export { dataDirLayout, type DataDirLayout } from './daemon/data-dir.ts';
export { initServerDirectory, type InitOptions } from './daemon/init.ts';
export {
  addUser,
  addUserWithP12,
  localAddress,
  removeUser,
  renewUser,
  type IssuedUser,
  type RemovedUser,
} from './daemon/users.ts';
export { jsonLinesLog, SILENT_LOG, type LogFields, type ServerLog } from './daemon/log.ts';
export { startServer, type RunningServer, type StartServerOptions } from './daemon/start-server.ts';
export type { ServerCredentials } from './daemon/credentials.ts';
// relayMailbox comes from ./relay/index.ts (the same `relay:<domain>` name).
export type { Delivered } from './accept/message-intake.ts';
export { addressMatches, hostMatches } from './accept/patterns.ts';
export { stampsOf, needsPostage } from './accept/postage.ts';
export { mimeSyntaxProblem } from './accept/mime-syntax.ts';
export * from './lists/index.ts';
