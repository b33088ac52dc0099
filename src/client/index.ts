// The public face of src/client: the mail engine behind the API contract (src/api).
// docs/client-engine.md describes accounts, first run, sync, the outbox, the
// verification vocabulary and the settings keys.
export { createEngine, type Engine, type EngineOptions } from './engine.ts';
export type { EmbeddedServerHandle, EmbeddedServerHost } from './accounts/embedded-server.ts';
export { ENGINE_ERROR, type EngineErrorCode } from './errors.ts';
export {
  ConfSettings,
  DEFAULT_SETTINGS,
  type Settings,
  type SettingsKey,
  type SettingsSchema,
} from './settings/settings.ts';
export type { SyncReport } from './sync/mailbox-sync.ts';
