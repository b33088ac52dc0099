// A static-file resolver: a folder with one PEM (or DER) file per domain, named
// DOMAIN.pem, e.g. example.org.pem. For private links that exchange CA certificates
// by hand (slides: "Private links can exchange private CA certs").
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MAX_CERTIFICATE_BYTES,
  parseCertificates,
  type CaResolver,
  type ResolvedCa,
} from '../validation/index.ts';
import { checkedDomain } from './domain.internal.ts';
import { ResolverError } from './errors.ts';

/** Largest file read, in bytes (a few CA certificates as PEM). */
const MAX_FILE_BYTES = 8 * MAX_CERTIFICATE_BYTES;

/** Resolves a domain to the certificates of `<folder>/<domain>.pem`. */
export class StaticFileResolver implements CaResolver {
  readonly name = 'static-file';
  readonly #folder: string;

  /** @param folder where the DOMAIN.pem files are. */
  constructor(folder: string) {
    this.#folder = folder;
  }

  async resolve(domain: string): Promise<readonly ResolvedCa[]> {
    const path = join(this.#folder, `${checkedDomain(domain)}.pem`);
    let bytes: Uint8Array;
    try {
      if ((await stat(path)).size > MAX_FILE_BYTES) {
        throw new ResolverError(
          'RESOLVER_RESPONSE_TOO_LARGE',
          `${path} is over ${MAX_FILE_BYTES} bytes`,
        );
      }
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      if (error instanceof ResolverError) throw error;
      throw new ResolverError('RESOLVER_UNREACHABLE', `cannot read ${path}`, { cause: error });
    }
    try {
      return parseCertificates(bytes).map((certificate) => ({
        der: certificate.der,
        origin: `file:${path}`,
      }));
    } catch (error) {
      throw new ResolverError('RESOLVER_BAD_RESPONSE', `${path} holds no readable certificate`, {
        cause: error,
      });
    }
  }
}
