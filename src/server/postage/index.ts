export {
  SpentStampLog,
  COMPACT_AFTER_EXPIRED,
  type SpentStampLogOptions,
} from './spent-stamp-log.ts';
