// A stand-in for Electron's safeStorage (the Electron binary cannot run here): the same
// surface, really encrypting (AES-256-GCM with a key of its own), and reporting the
// backend it is told to.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { OsSecretStore } from '../../main/os-secret-store.ts';

/** A store that is `available` or not, on Linux naming `backend`; counts encryptions. */
export function storeWith(available: boolean, backend?: string): OsSecretStore & { calls: number } {
  const key = randomBytes(32);
  const store = {
    calls: 0,
    isEncryptionAvailable: () => available,
    encryptString(plainText: string): Buffer {
      store.calls += 1;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(encrypted: Buffer): string {
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, 12));
      decipher.setAuthTag(encrypted.subarray(12, 28));
      return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString(
        'utf8',
      );
    },
  };
  return backend === undefined
    ? store
    : Object.assign(store, { getSelectedStorageBackend: () => backend });
}
