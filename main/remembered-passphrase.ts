import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallBridge } from './bridge.ts';
import {
  passphraseKeeper,
  type OsSecretStore,
  type SecretStoreDecision,
} from './os-secret-store.ts';

/** The sealed passphrase's file in the engine's data folder. */
export const SEALED_FILE = 'passphrase.sealed';
/** Larger is not something encryptString wrote for a passphrase (at most 1 KiB of text). */
const MAX_SEALED_BYTES = 16 * 1024;
/** Calls whose `passphrase`, once they succeeded, is the one that unlocks the app. */
const PASSPHRASE_METHODS: ReadonlySet<unknown> = new Set([
  'unlock',
  'createLocalIdentity',
  'importIdentity',
]);

/**
 * The passphrase kept sealed by the OS secret store between runs, so the app unlocks at
 * start: only when decideSecretStore allows it (a real keyring, never `basic_text`);
 * otherwise nothing is written and the passphrase is asked at each start.
 */
export class RememberedPassphrase {
  private readonly keeper: ReturnType<typeof passphraseKeeper>;
  private readonly path: string;

  constructor(store: OsSecretStore, platform: string, dataDir: string) {
    this.keeper = passphraseKeeper(store, platform);
    this.path = join(dataDir, SEALED_FILE);
  }

  get decision(): SecretStoreDecision {
    return this.keeper.decision;
  }

  /** The kept passphrase; undefined when there is none, or it cannot be opened (then it is dropped). */
  async load(): Promise<string | undefined> {
    if (!this.keeper.decision.use) return undefined;
    let sealed: Buffer;
    try {
      if ((await stat(this.path)).size > MAX_SEALED_BYTES) {
        await this.forget();
        return undefined;
      }
      sealed = await readFile(this.path);
    } catch {
      return undefined; // none kept yet
    }
    const passphrase = this.keeper.open(sealed);
    if (passphrase === undefined) await this.forget();
    return passphrase;
  }

  /** Keeps `passphrase` sealed (mode 0600, written atomically), when the store may. */
  async remember(passphrase: string): Promise<void> {
    const sealed = this.keeper.seal(passphrase);
    if (sealed === undefined) return;
    await mkdir(join(this.path, '..'), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.tmp`;
    await writeFile(temporary, sealed, { mode: 0o600 });
    await rename(temporary, this.path);
  }

  /** Drops the kept passphrase (it no longer opens the keys, or the store refused it). */
  async forget(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

/**
 * `bridge`, remembering the passphrase of each call that proved it (a successful unlock,
 * or the identity it created or imported). Failing or refused calls remember nothing.
 */
export function rememberingBridge(
  bridge: CallBridge,
  remembered: RememberedPassphrase,
): CallBridge {
  return async (method, params) => {
    const outcome = await bridge(method, params);
    const passphrase =
      typeof params === 'object' && params !== null && 'passphrase' in params
        ? params.passphrase
        : undefined;
    if (outcome.ok && PASSPHRASE_METHODS.has(method) && typeof passphrase === 'string') {
      await remembered.remember(passphrase).catch((error: unknown) => {
        console.error('passphrase: could not keep it sealed', error);
      });
    }
    return outcome;
  };
}
