// A FIRS-style LDAP resolver (slides: "FIRS (CRISP WG) Sample"): for domain
// ehsco.com, search cn=inetResources,dc=ehsco,dc=com for
// (&(objectClass=inetDnsDomain)(cn:dn:=ehsco.com)) and read cACertificate.
import { Client, NoSuchObjectError } from 'ldapts';
import type { CaResolver, ResolvedCa } from '../validation/index.ts';
import { checkedDomain } from './domain.internal.ts';
import { ResolverError } from './errors.ts';

/** Options of {@link LdapResolver}. */
export interface LdapResolverOptions {
  /** The directory, e.g. "ldap://127.0.0.1:3890". */
  readonly url: string;
  /** Time for the whole lookup, in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
  /** Most entries read from one search. Default 16. */
  readonly maxEntries?: number;
}

/** The attribute FIRS and pkiCA use for CA certificates (binary transfer). */
const CA_ATTRIBUTES = ['cACertificate;binary', 'cACertificate'];

/** The FIRS search base for a domain: cn=inetResources,dc=LABEL,... */
export function firsSearchBase(domain: string): string {
  return [
    'cn=inetResources',
    ...checkedDomain(domain)
      .split('.')
      .map((label) => `dc=${label}`),
  ].join(',');
}

/** The FIRS filter for a domain's inetDnsDomain entry. */
export function firsFilter(domain: string): string {
  return `(&(objectClass=inetDnsDomain)(cn:dn:=${checkedDomain(domain)}))`;
}

function values(value: Buffer | Buffer[] | string | string[] | undefined): Buffer[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => (typeof item === 'string' ? Buffer.from(item, 'latin1') : item));
}

function failure(error: unknown, url: string): ResolverError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') {
    return new ResolverError('RESOLVER_UNREACHABLE', `${url}: ${message}`, { cause: error });
  }
  if (/timeout|timed out/i.test(message)) {
    return new ResolverError('RESOLVER_TIMEOUT', `${url}: ${message}`, { cause: error });
  }
  return new ResolverError('RESOLVER_BAD_RESPONSE', `${url}: ${message}`, { cause: error });
}

/** Looks up a domain's CA certificates in a FIRS-style LDAP directory. */
export class LdapResolver implements CaResolver {
  readonly name = 'ldap';
  readonly #options: LdapResolverOptions;

  constructor(options: LdapResolverOptions) {
    this.#options = options;
  }

  async resolve(domain: string): Promise<readonly ResolvedCa[]> {
    const base = firsSearchBase(domain);
    const timeoutMs = this.#options.timeoutMs ?? 5000;
    const client = new Client({
      url: this.#options.url,
      timeout: timeoutMs,
      connectTimeout: timeoutMs,
    });
    try {
      const { searchEntries } = await client.search(base, {
        scope: 'sub',
        filter: firsFilter(domain),
        attributes: CA_ATTRIBUTES,
        explicitBufferAttributes: CA_ATTRIBUTES,
        sizeLimit: this.#options.maxEntries ?? 16,
        timeLimit: Math.max(1, Math.ceil(timeoutMs / 1000)),
      });
      return searchEntries.flatMap((entry) =>
        CA_ATTRIBUTES.flatMap((attribute) => values(entry[attribute])).map((der) => ({
          der: new Uint8Array(der),
          origin: `${this.#options.url}/${entry.dn}`,
        })),
      );
    } catch (error) {
      if (error instanceof NoSuchObjectError) return [];
      throw failure(error, this.#options.url);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}
