import type { AddressView, ReasonView, SecurityView, TraceHopView } from '../../api/index.ts';
import {
  encryptedPartsOf,
  parsedCertificateOf,
  verifyMessage,
  verifyTraceChain,
  type IdentityValidator,
  type MessageSecurityFailure,
} from '../../identity/index.ts';
import type { Mt2Envelope } from '../../message/index.ts';
import { verdictView } from './certificate-summary.ts';
import { badgeFor, MESSAGE_CHECK_TEXT, securitySentence } from './vocabulary.ts';

/**
 * What the engine stores with a message about its security (the store's verification
 * JSON): the SecurityView without its derived badge and sentence, plus whether the body
 * was part of the check.
 */
export interface StoredVerification {
  readonly version: 1;
  readonly checkedAt: string;
  /** False until the body was fetched and its digest checked against the signature. */
  readonly bodyChecked: boolean;
  readonly signature: SecurityView['signature'];
  readonly certificate?: SecurityView['certificate'];
  readonly trace: SecurityView['trace'];
  readonly encryptedParts: SecurityView['encryptedParts'];
}

/** The octets of a message as received (headers and body as transferred, maybe encrypted). */
export interface ReceivedParts {
  readonly envelope: Mt2Envelope;
  readonly headers: Uint8Array;
  /** Absent until the body is fetched. */
  readonly body?: Uint8Array;
}

function reasonOf(failure: MessageSecurityFailure): ReasonView {
  const details = failure.certificateReasons?.map((item) => item.message).join('; ');
  const text = MESSAGE_CHECK_TEXT[failure.code];
  return { code: failure.code, text: details === undefined ? text : `${text} (${details})` };
}

async function checkSignature(
  parts: ReceivedParts,
  validator: IdentityValidator,
  at: Date,
  relayedBy: string | undefined,
): Promise<Pick<StoredVerification, 'signature' | 'certificate' | 'bodyChecked'>> {
  const envelope = parts.envelope;
  if (envelope.signature === undefined && envelope.certificate === undefined) {
    return { signature: { state: 'absent', reasons: [] }, bodyChecked: parts.body !== undefined };
  }
  // Without the body its digest cannot match: that one check waits for openBody.
  const body = parts.body ?? new Uint8Array(0);
  const verification = await verifyMessage(
    { envelope, headers: parts.headers, body },
    validator,
    at,
    relayedBy,
  );
  const failures = verification.failures.filter(
    (failure) => parts.body !== undefined || failure.code !== 'BODY_DIGEST_MISMATCH',
  );
  const signer: AddressView = { address: envelope.sender };
  const certificate =
    verification.signer !== undefined && verification.verdict !== undefined
      ? verdictView(parsedCertificateOf(verification.signer), verification.verdict)
      : undefined;
  return {
    signature: {
      state: failures.length === 0 ? 'valid' : 'invalid',
      signer,
      reasons: failures.map(reasonOf),
    },
    ...(certificate === undefined ? {} : { certificate }),
    bodyChecked: parts.body !== undefined,
  };
}

async function checkTrace(
  envelope: Mt2Envelope,
  validator: IdentityValidator,
  at: Date,
): Promise<StoredVerification['trace']> {
  const hops: TraceHopView[] = envelope.trace.map((entry) => ({
    host: entry.host,
    at: entry.time.toISOString(),
  }));
  if (hops.length === 0) return { state: 'absent', hops, reasons: [] };
  const result = await verifyTraceChain(envelope, validator, at, { lastHopAsGateway: true });
  return {
    state: result.valid ? 'valid' : 'invalid',
    hops,
    reasons: result.failure === undefined ? [] : [reasonOf(result.failure)],
  };
}

/**
 * The server that delivered the message, once its trace entry verified: when the user
 * trusts it as a gateway, it stands in for a sender's CA the account does not know.
 */
export function deliveredBy(trace: StoredVerification['trace']): string | undefined {
  return trace.state === 'valid' ? trace.hops.at(-1)?.host : undefined;
}

/**
 * Verifies a received message: the sender's signature (over the body too once it is
 * there), the trace chain and the sender certificate's verdict (a server the user
 * trusts as a gateway stands in for CAs the account does not know when it delivered
 * the message). Never throws for what
 * a peer sent: every failure becomes a reason.
 */
export async function verifyIncoming(
  parts: ReceivedParts,
  validator: IdentityValidator,
  at: Date = new Date(),
): Promise<StoredVerification> {
  const trace = await checkTrace(parts.envelope, validator, at);
  const signature = await checkSignature(parts, validator, at, deliveredBy(trace));
  return {
    version: 1,
    checkedAt: at.toISOString(),
    ...signature,
    trace,
    encryptedParts: [...encryptedPartsOf(parts.envelope)],
  };
}

/** The SecurityView of a stored verification (or of none yet: pending). */
export function securityView(stored: StoredVerification | undefined): SecurityView {
  if (stored === undefined) {
    const pending = {
      badge: 'pending' as const,
      signature: { state: 'absent' as const, reasons: [] },
      trace: { state: 'absent' as const, hops: [], reasons: [] },
      encryptedParts: [],
    };
    return { ...pending, summary: securitySentence(pending) };
  }
  const base = {
    signature: stored.signature,
    ...(stored.certificate === undefined ? {} : { certificate: stored.certificate }),
    trace: stored.trace,
    encryptedParts: stored.encryptedParts,
  };
  const withBadge = { ...base, badge: badgeFor(base) };
  return { ...withBadge, summary: securitySentence(withBadge) };
}
