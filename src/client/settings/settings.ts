import Conf from 'conf';
import type { TrustSettingsView } from '../../api/index.ts';
import type { AccountRecord } from '../accounts/account-record.ts';

/** Where the embedded mt2d lives and listens (docs/client-engine.md, "First run"). */
export interface EmbeddedServerSettings {
  /** Its data folder (configuration, CA, mailboxes), inside the engine's data folder. */
  readonly dir: string;
  readonly domain: string;
  /** The port it listened on last; tried first on the next start. */
  readonly port: number;
}

/** Every settings key and its type (docs/client-engine.md, "Settings keys"). */
export interface SettingsSchema {
  /** The accounts, in the order they were added. */
  accounts: readonly AccountRecord[];
  /** Absent until first run made the embedded server. */
  embedded: EmbeddedServerSettings | null;
  /** The user's certificate trust settings. */
  trust: TrustSettingsView;
  /** Senders whose remote content the user allowed for every message. */
  remoteContentSenders: readonly string[];
}

export type SettingsKey = keyof SettingsSchema;

export const DEFAULT_SETTINGS: SettingsSchema = {
  accounts: [],
  embedded: null,
  trust: {
    blacklistedIssuerDomains: [],
    vouchedAddresses: [],
    trustedGatewayHosts: [],
    delegatedValidation: false,
    resolvers: [],
  },
  remoteContentSenders: [],
};

/**
 * The engine's settings, behind one small interface: `conf` here and in the web host,
 * electron-store (the same API) in Electron.
 */
export interface Settings {
  get<K extends SettingsKey>(key: K): SettingsSchema[K];
  set<K extends SettingsKey>(key: K, value: SettingsSchema[K]): void;
}

/**
 * Settings in `settings.json` of the data folder, written atomically by conf. A file
 * that is not JSON is an error at start (conf keeps it), never silently replaced.
 */
export class ConfSettings implements Settings {
  private readonly conf: Conf<SettingsSchema>;

  constructor(dataDir: string) {
    this.conf = new Conf<SettingsSchema>({
      cwd: dataDir,
      configName: 'settings',
      projectName: 'mt2',
      defaults: DEFAULT_SETTINGS,
      clearInvalidConfig: false,
    });
  }

  get<K extends SettingsKey>(key: K): SettingsSchema[K] {
    return this.conf.get(key);
  }

  set<K extends SettingsKey>(key: K, value: SettingsSchema[K]): void {
    this.conf.set(key, value);
  }
}
