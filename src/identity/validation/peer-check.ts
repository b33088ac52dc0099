// The check a protocol session calls after the TLS handshake (profile section 3):
// the peer's DER chain against the identity the session expects.
import { parseCertificate, type ParsedCertificate } from './certificate.ts';
import type { ParsedCrl } from './crl.ts';
import type { IdentityValidator } from './identity-validator.ts';
import { PURPOSE, type ExpectedIdentity } from './mt2-rules.ts';
import { malformedVerdict, type Verdict } from './verdict.ts';

/** Most certificates accepted in one presented chain. */
export const MAX_PEER_CHAIN_CERTIFICATES = 8;

/** What a session knows after the handshake. */
export interface PeerCheck {
  /** The peer's certificates as DER, its own first (e.g. from tls getPeerX509Certificate). */
  readonly chainDer: readonly Uint8Array[];
  /**
   * Who the peer must be: a user (user session) or a host (host session). Without an
   * explicit purpose, a user must have clientAuth and a host the `role` it plays.
   */
  readonly expected: ExpectedIdentity;
  /** The peer's side of the connection: 'client' needs clientAuth, 'server' serverAuth. Default: a user is a client, a host a server. */
  readonly role?: 'client' | 'server';
  readonly at?: Date;
  readonly crls?: readonly ParsedCrl[];
}

function withSessionPurpose(check: PeerCheck): ExpectedIdentity {
  if (check.expected.purpose !== undefined) return check.expected;
  const role = check.role ?? (check.expected.kind === 'user' ? 'client' : 'server');
  return {
    ...check.expected,
    purpose: role === 'client' ? PURPOSE.clientAuth : PURPOSE.serverAuth,
  };
}

/** Validates a TLS peer's chain for a session; never rejects for bad input. */
export async function checkPeer(validator: IdentityValidator, check: PeerCheck): Promise<Verdict> {
  if (check.chainDer.length === 0) return malformedVerdict('the peer presented no certificate');
  if (check.chainDer.length > MAX_PEER_CHAIN_CERTIFICATES) {
    return malformedVerdict(
      `the peer presented more than ${MAX_PEER_CHAIN_CERTIFICATES} certificates`,
    );
  }
  const chain: ParsedCertificate[] = [];
  for (const [index, der] of check.chainDer.entries()) {
    try {
      chain.push(parseCertificate(der));
    } catch (error) {
      return malformedVerdict(
        `certificate ${index} of the chain: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return validator.validate({
    chain,
    expected: withSessionPurpose(check),
    ...(check.at === undefined ? {} : { at: check.at }),
    ...(check.crls === undefined ? {} : { crls: check.crls }),
  });
}
