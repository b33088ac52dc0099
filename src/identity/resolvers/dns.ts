// A DNS resolver for domain CA certificates: a CERT record (RFC 4398, type 37, PKIX)
// at the domain itself, or TXT records at _mt2ca.DOMAIN whose text is "mt2ca=" and
// the certificate's DER in base64 (split over as many strings as needed).
import { randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import type { CaResolver, ResolvedCa } from '../validation/index.ts';
import {
  buildQuery,
  certificateOfCertRecord,
  parseResponse,
  TYPE_CERT,
  type DnsAnswer,
} from './dns-message.internal.ts';
import { checkedDomain } from './domain.internal.ts';
import { ResolverError } from './errors.ts';

/** Which records a {@link DnsResolver} reads. */
export type DnsRecordKind = 'CERT' | 'TXT';

/** Options of {@link DnsResolver}. */
export interface DnsResolverOptions {
  /** The DNS server's address. */
  readonly host: string;
  /** Its port. Default 53. */
  readonly port?: number;
  /** Records tried, in order, until one gives certificates. Default ['CERT', 'TXT']. */
  readonly records?: readonly DnsRecordKind[];
  /** Time for each query, in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
}

/** Prefix of the first TXT string of a CA record. */
export const TXT_PREFIX = 'mt2ca=';

/** Owner name of the TXT records for a domain. */
export function txtOwner(domain: string): string {
  return `_mt2ca.${checkedDomain(domain)}`;
}

function timeout(ms: number, what: string): ResolverError {
  return new ResolverError('RESOLVER_TIMEOUT', `${what}: no answer in ${ms} ms`);
}

function queryUdp(host: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(timeout(timeoutMs, `udp ${host}:${port}`));
    }, timeoutMs);
    const onMessage = (message: Buffer, from: RemoteInfo) => {
      // Only the server asked may answer (the query id is checked by the parser).
      if (from.port !== port || from.address !== host) return;
      socket.off('message', onMessage);
      clearTimeout(timer);
      socket.close();
      resolve(message);
    };
    socket.on('message', onMessage);
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(
        new ResolverError('RESOLVER_UNREACHABLE', `udp ${host}:${port}: ${error.message}`, {
          cause: error,
        }),
      );
    });
    socket.send(query, port, host);
  });
}

/** DNS over TCP (RFC 1035 4.2.2: two-octet length prefix), for truncated answers. */
function queryTcp(host: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    let received = 0;
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(timeout(timeoutMs, `tcp ${host}:${port}`));
    });
    socket.on('connect', () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      received += chunk.length;
      const all = Buffer.concat(chunks);
      if (all.length >= 2 && received >= all.readUInt16BE(0) + 2) {
        socket.destroy();
        resolve(all.subarray(2, all.readUInt16BE(0) + 2));
      }
    });
    socket.on('error', (error) => {
      reject(
        new ResolverError('RESOLVER_UNREACHABLE', `tcp ${host}:${port}: ${error.message}`, {
          cause: error,
        }),
      );
    });
    socket.on('end', () => {
      reject(
        new ResolverError(
          'RESOLVER_BAD_RESPONSE',
          `tcp ${host}:${port}: closed before a full answer`,
        ),
      );
    });
  });
}

/** Looks up a domain's CA certificates in DNS. */
export class DnsResolver implements CaResolver {
  readonly name = 'dns';
  readonly #options: DnsResolverOptions;

  constructor(options: DnsResolverOptions) {
    this.#options = options;
  }

  async resolve(domain: string): Promise<readonly ResolvedCa[]> {
    const name = checkedDomain(domain);
    let firstError: Error | undefined;
    for (const kind of this.#options.records ?? ['CERT', 'TXT']) {
      try {
        const found = kind === 'CERT' ? await this.#cert(name) : await this.#txt(name);
        if (found.length > 0) return found;
      } catch (error) {
        // One record kind failing (a server refusing CERT, say) does not stop the next.
        firstError ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    if (firstError !== undefined) throw firstError;
    return [];
  }

  get #server(): string {
    return `${this.#options.host}:${this.#options.port ?? 53}`;
  }

  async #cert(name: string): Promise<ResolvedCa[]> {
    const { host } = this.#options;
    const port = this.#options.port ?? 53;
    const timeoutMs = this.#options.timeoutMs ?? 5000;
    const id = randomInt(0, 0x10000);
    const query = buildQuery(id, name, TYPE_CERT);
    let answer: DnsAnswer = parseResponse(
      await queryUdp(host, port, query, timeoutMs),
      id,
      TYPE_CERT,
    );
    if (answer.truncated)
      answer = parseResponse(await queryTcp(host, port, query, timeoutMs), id, TYPE_CERT);
    if (answer.rcode === 3) return [];
    if (answer.rcode !== 0)
      throw new ResolverError('RESOLVER_BAD_RESPONSE', `${this.#server}: rcode ${answer.rcode}`);
    return answer.records.flatMap((rdata) => {
      const der = certificateOfCertRecord(rdata);
      return der === undefined ? [] : [{ der, origin: `dns://${this.#server}/${name}/CERT` }];
    });
  }

  async #txt(name: string): Promise<ResolvedCa[]> {
    const resolver = new Resolver({ timeout: this.#options.timeoutMs ?? 5000, tries: 1 });
    resolver.setServers([
      this.#options.port === undefined
        ? this.#options.host
        : `${this.#options.host}:${this.#options.port}`,
    ]);
    const owner = txtOwner(name);
    let records: string[][];
    try {
      records = await resolver.resolveTxt(owner);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
      if (code === 'ETIMEOUT')
        throw timeout(this.#options.timeoutMs ?? 5000, `${this.#server} TXT ${owner}`);
      throw new ResolverError(
        'RESOLVER_UNREACHABLE',
        `${this.#server} TXT ${owner}: ${String(code)}`,
        { cause: error },
      );
    }
    return records.flatMap((strings) => {
      const text = strings.join('');
      if (!text.startsWith(TXT_PREFIX)) return [];
      const base64 = text.slice(TXT_PREFIX.length);
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return [];
      return [
        {
          der: new Uint8Array(Buffer.from(base64, 'base64')),
          origin: `dns://${this.#server}/${owner}/TXT`,
        },
      ];
    });
  }
}
