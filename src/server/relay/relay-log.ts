// The relay logs through mt2d's structured log (daemon/log.ts); these are its names there.
import { SILENT_LOG, type LogFields, type ServerLog } from '../daemon/log.ts';

/** One structured log line's fields (JSON values; undefined ones are left out). */
export type RelayLogFields = LogFields;

/** Where the relay's structured log lines go: mt2d's ServerLog. */
export type RelayLog = ServerLog;

export const SILENT_RELAY_LOG: RelayLog = SILENT_LOG;
