/**
 * Whether the operating system's secret store (Electron's `safeStorage`) may keep the
 * passphrase that unlocks the private keys, so the user need not type it at each start.
 *
 * Plain module (no `electron` import) so that the decision can be tested without the
 * Electron binary: main/electron hands in `safeStorage` itself.
 *
 * On Linux, when no keyring (libsecret, KWallet) answers, Electron falls back to the
 * `basic_text` backend: a hard-coded key, i.e. the passphrase in the clear on disk. That
 * fallback is refused, and so is a backend Electron cannot name.
 */

/** The part of Electron's `safeStorage` used here. */
export interface OsSecretStore {
  isEncryptionAvailable(): boolean;
  /** Linux only; absent on macOS and Windows. */
  getSelectedStorageBackend?(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export type SecretStoreDecision =
  | { readonly use: true; readonly backend: string }
  | { readonly use: false; readonly reason: string };

/** Linux backends that keep the key in a real keyring. */
const REAL_LINUX_BACKENDS: ReadonlySet<string> = new Set([
  'gnome_libsecret',
  'kwallet',
  'kwallet5',
  'kwallet6',
]);

const OS_BACKENDS: Readonly<Record<string, string>> = {
  darwin: 'macOS Keychain',
  win32: 'Windows DPAPI',
};

export function decideSecretStore(store: OsSecretStore, platform: string): SecretStoreDecision {
  if (!store.isEncryptionAvailable()) {
    return {
      use: false,
      reason: 'This system offers no secret store; the passphrase is asked at each start.',
    };
  }
  const osBackend = OS_BACKENDS[platform];
  if (osBackend !== undefined) return { use: true, backend: osBackend };
  const backend = store.getSelectedStorageBackend?.() ?? 'unknown';
  if (REAL_LINUX_BACKENDS.has(backend)) return { use: true, backend };
  return {
    use: false,
    reason:
      backend === 'basic_text'
        ? 'No keyring answers (only the insecure basic_text fallback); the passphrase is asked at each start.'
        : `The secret store "${backend}" is not one that protects secrets; the passphrase is asked at each start.`,
  };
}

/**
 * Keeps the passphrase sealed by the OS secret store, or refuses to keep it.
 * `seal` returns the bytes to write to disk (undefined: do not remember);
 * `open` returns the passphrase (undefined: ask the user).
 */
export function passphraseKeeper(store: OsSecretStore, platform: string) {
  const decision = decideSecretStore(store, platform);
  return {
    decision,
    seal(passphrase: string): Buffer | undefined {
      return decision.use ? store.encryptString(passphrase) : undefined;
    },
    open(sealed: Buffer): string | undefined {
      if (!decision.use) return undefined;
      try {
        return store.decryptString(sealed);
      } catch {
        // A keyring reset or another user's file: ask for the passphrase instead.
        return undefined;
      }
    },
  };
}
