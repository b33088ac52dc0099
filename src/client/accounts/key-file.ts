import type { KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { encryptPrivateKey, IdentityError, readPrivateKey } from '../../identity/index.ts';
import { ENGINE_ERROR, engineError } from '../errors.ts';

/** PBKDF2 rounds for keys at rest; tests lower it through the engine options. */
export interface KeyFileOptions {
  readonly iterations?: number;
}

/**
 * Writes `privateKey` encrypted with `passphrase` (PKCS#8 PBES2, AES-256-CBC) to
 * `dataDir/relative`, through a temporary file and a rename so a crash leaves either
 * the old file or the new one.
 */
export async function writeKeyFile(
  dataDir: string,
  relative: string,
  privateKey: KeyObject,
  passphrase: string,
  options: KeyFileOptions = {},
): Promise<void> {
  const path = join(dataDir, relative);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const pem = await encryptPrivateKey(
    privateKey,
    passphrase,
    options.iterations === undefined ? {} : { iterations: options.iterations },
  );
  const temporary = `${path}.tmp`;
  await writeFile(temporary, pem, { mode: 0o600 });
  await rename(temporary, path);
}

/**
 * Opens a key file with the passphrase.
 * @throws ApiError ENGINE_WRONG_PASSPHRASE when it does not open the key.
 */
export async function readKeyFile(
  dataDir: string,
  relative: string,
  passphrase: string,
): Promise<KeyObject> {
  const pem = await readFile(join(dataDir, relative), 'utf8');
  try {
    return readPrivateKey(pem, passphrase);
  } catch (error) {
    if (error instanceof IdentityError && error.code === 'IDENTITY_WRONG_PASSPHRASE') {
      throw engineError(ENGINE_ERROR.WRONG_PASSPHRASE, 'That passphrase does not unlock your key.');
    }
    throw error;
  }
}
