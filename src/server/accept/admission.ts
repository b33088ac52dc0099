import {
  addressesOf,
  checkPeer,
  hostnamesOf,
  parseCertificate,
  type IdentityValidator,
  type ParsedCertificate,
  type ReasonCode,
  type Verdict,
} from '../../identity/index.ts';
import { RESULT, type HeloRequest } from '../../protocol/index.ts';
import type { ServerConfig } from '../daemon/config.ts';
import { anyHostMatches, domainOf } from './patterns.ts';

/** Who a session's peer is, once HELO is accepted. */
export type SessionPeer =
  | { readonly kind: 'user'; readonly address: string }
  | { readonly kind: 'host'; readonly hostname: string };

/** HELO's outcome: the peer, or the code that refuses it. */
export type Admission =
  | { readonly admitted: true; readonly peer: SessionPeer }
  | { readonly admitted: false; readonly code: string; readonly text: string };

/** What admission needs of the server. */
export interface AdmissionContext {
  readonly config: ServerConfig;
  readonly validator: IdentityValidator;
  /** Whether `address` is a registered local user. */
  isLocalUser(address: string): boolean;
  /** The certificate (DER) issued to local user `address`, or undefined when there is none. */
  issuedCertificate(address: string): Promise<Uint8Array | undefined>;
}

const COMMON_NAME_OID = '2.5.4.3';

/** The first failure's own result code (docs/mt2d.md, "Filters"). */
const CODE_BY_REASON: Partial<Record<ReasonCode, string>> = {
  EXPIRED: RESULT.CERTIFICATE_EXPIRED,
  NOT_YET_VALID: RESULT.CERTIFICATE_EXPIRED,
  REVOKED: RESULT.CERTIFICATE_REVOKED,
  ISSUER_BLACKLISTED: RESULT.CERTIFICATE_REVOKED,
  ISSUER_NOT_DELEGATION_PARENT: RESULT.ISSUER_NOT_DELEGATION_PARENT,
  SUBJECT_ADDRESS_MISMATCH: RESULT.SUBJECT_MISMATCH,
  SUBJECT_HOST_MISMATCH: RESULT.SUBJECT_MISMATCH,
  MALFORMED_CERTIFICATE: RESULT.CERTIFICATE_MALFORMED,
};

function refused(code: string, text: string): Admission {
  return { admitted: false, code, text };
}

function verdictRefusal(verdict: Verdict): Admission {
  const first = verdict.validityReasons[0];
  const code =
    (first === undefined ? undefined : CODE_BY_REASON[first.code]) ?? RESULT.CERTIFICATE_UNTRUSTED;
  return refused(code, verdict.validityReasons.map((item) => item.code).join(', '));
}

function commonNames(certificate: ParsedCertificate): string[] {
  return certificate.subject.rdns.flatMap((rdn) =>
    rdn.filter((attribute) => attribute.type === COMMON_NAME_OID).map((a) => a.value),
  );
}

/**
 * Decides HELO (pre-transfer filtering of the peer, docs/mt2d.md): a personal
 * certificate opens a user session, a host certificate a host session. In order:
 * readable certificate; user sessions only for registered local users presenting the
 * certificate issued to them (99.0.5.40);
 * hosts: subject CN equal to the host name (99.0.5.20), black and white lists (99.0.5.41,
 * 99.0.5.42); then validation by the identity layer, each failure with its own code.
 */
export async function admitPeer(
  request: HeloRequest,
  context: AdmissionContext,
  at: Date = new Date(),
): Promise<Admission> {
  let certificate: ParsedCertificate;
  try {
    certificate = parseCertificate(request.certificate);
  } catch (error) {
    return refused(RESULT.CERTIFICATE_MALFORMED, error instanceof Error ? error.message : '');
  }
  const address = addressesOf(certificate)[0];
  const hostname = hostnamesOf(certificate)[0];
  const chainDer = request.chain;
  if (address !== undefined) {
    const lower = address.toLowerCase();
    if (domainOf(lower) !== context.config.domain || !context.isLocalUser(lower)) {
      return refused(RESULT.UNAUTHORISED_CLIENT, `${address} has no mailbox on this server`);
    }
    // Only the certificate issued last counts: one from before a `user remove` and a new
    // `user add` of the address is valid under the CA but no longer the user's.
    const issued = await context.issuedCertificate(lower);
    if (issued === undefined || !Buffer.from(issued).equals(request.certificate)) {
      return refused(RESULT.UNAUTHORISED_CLIENT, `not the certificate issued to ${address}`);
    }
    const verdict = await checkPeer(context.validator, {
      chainDer,
      expected: { kind: 'user', address: lower },
      role: 'client',
      at,
    });
    return verdict.valid
      ? { admitted: true, peer: { kind: 'user', address: lower } }
      : verdictRefusal(verdict);
  }
  if (hostname === undefined) {
    return refused(RESULT.UNAUTHORISED_CLIENT, 'the certificate names no address and no host');
  }
  const names = commonNames(certificate);
  if (names.some((name) => name.toLowerCase() !== hostname)) {
    return refused(RESULT.SUBJECT_MISMATCH, `subject CN ${names.join(', ')} is not ${hostname}`);
  }
  const { blockedHosts, allowedHosts } = context.config.filters;
  if (anyHostMatches(blockedHosts, hostname)) {
    return refused(RESULT.HOST_BLACKLISTED, `${hostname} is blacklisted`);
  }
  if (allowedHosts.length > 0 && !anyHostMatches(allowedHosts, hostname)) {
    return refused(RESULT.HOST_NOT_WHITELISTED, `${hostname} is not on the whitelist`);
  }
  const verdict = await checkPeer(context.validator, {
    chainDer,
    expected: { kind: 'host', hostname },
    role: 'client',
    at,
  });
  return verdict.valid
    ? { admitted: true, peer: { kind: 'host', hostname } }
    : verdictRefusal(verdict);
}
