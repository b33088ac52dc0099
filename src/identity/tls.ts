import type { X509Certificate } from 'node:crypto';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import type { Credentials } from './issue.ts';
import { certificatesToPem } from './pem.ts';

/** MT2 sessions are TLS 1.3 from the first byte (docs/protocol.md, session). */
export const MT2_TLS_MIN_VERSION = 'TLSv1.3';

/** Common to both sides. */
export interface TlsIdentityOptions {
  /**
   * CA certificates offered to the TLS stack: on the server, the CA names sent in the
   * CertificateRequest; on either side, the anchors used when rejectUnauthorized is on.
   */
  readonly trustedCas?: readonly X509Certificate[];
  /**
   * Let node's TLS stack refuse a peer that does not chain to trustedCas. Default false:
   * MT2 validates the peer with the identity layer after the handshake (local CA store,
   * delegated CAs fetched through resolvers, explicit gateway trust), which node's
   * stack cannot do; the session MUST then run the peer check before trusting anything.
   */
  readonly rejectUnauthorized?: boolean;
}

function keyAndChain(identity: Credentials) {
  return {
    key: identity.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: certificatesToPem([identity.certificate, ...identity.chain]),
  };
}

function caList(options: TlsIdentityOptions): { ca?: string } {
  const cas = options.trustedCas ?? [];
  return cas.length === 0 ? {} : { ca: certificatesToPem(cas) };
}

/**
 * TLS options for a host's server side (tls.createServer): the host key and certificate
 * with its chain, TLS 1.3 only, and a request for the client's certificate (the user's
 * personal certificate; MT2 section 3). The key stays in this process's memory.
 */
export function tlsServerOptions(host: Credentials, options: TlsIdentityOptions = {}): TlsOptions {
  return {
    ...keyAndChain(host),
    ...caList(options),
    minVersion: MT2_TLS_MIN_VERSION,
    requestCert: true,
    rejectUnauthorized: options.rejectUnauthorized ?? false,
  };
}

/** Options of the client side: the server the connection is for. */
export interface TlsClientIdentityOptions extends TlsIdentityOptions {
  /** The server's hostname, sent as SNI and checked against its certificate when rejectUnauthorized. */
  readonly servername: string;
}

/**
 * TLS options for a user's client side (tls.connect): the user's key and personal
 * certificate with its chain, presented as the TLS client certificate (proof of
 * possession of the key, MT2 section 3), TLS 1.3 only, SNI = the server's hostname.
 */
export function tlsClientOptions(
  user: Credentials,
  options: TlsClientIdentityOptions,
): ConnectionOptions {
  const rejectUnauthorized = options.rejectUnauthorized ?? false;
  return {
    ...keyAndChain(user),
    ...caList(options),
    minVersion: MT2_TLS_MIN_VERSION,
    servername: options.servername,
    rejectUnauthorized,
    // Without the TLS stack's check, the hostname binding is the peer check's job too.
    ...(rejectUnauthorized ? {} : { checkServerIdentity: () => undefined }),
  };
}
