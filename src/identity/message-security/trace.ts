// The trace chain (profile section 5): each host that accepts a message appends an entry
// signed with its host key over the signature before it (the sender's, for the first).
import type { Mt2Envelope, TraceEntry } from '../../message/index.ts';
import { IdentityError } from '../errors.ts';
import type { RawSigner } from '../cms/sign.ts';
import type { Credentials } from '../issue.ts';
import type { IdentityValidator, Verdict } from '../validation/index.ts';
import { MessageSecurityError, type MessageSecurityFailure } from './errors.ts';
import {
  assertCertifiedFor,
  judgeSigner,
  openSignature,
  signStatement,
  signStatementWith,
} from './signer.internal.ts';
import {
  decodeTraceStatement,
  encodeTraceStatement,
  sha256,
  type TraceStatement,
} from './statement.ts';

/** Most trace entries a message may carry (hops); more is a loop or an attack. */
export const MAX_TRACE_ENTRIES = 100;

/** What verifying a trace chain found. */
export interface TraceVerification {
  /** True when every entry verified and links to the one before it. */
  readonly valid: boolean;
  /** Index (0 = oldest) of the first broken entry; undefined when valid. */
  readonly brokenAt: number | undefined;
  /** Why that entry is broken; undefined when valid. */
  readonly failure: MessageSecurityFailure | undefined;
  /** The validator's verdict on each entry's host certificate, for the entries checked. */
  readonly verdicts: readonly Verdict[];
}

/** The octets the entry at `index` links to: the previous signature, or the sender's (or none). */
function previousSignature(envelope: Mt2Envelope, index: number): Uint8Array {
  const previous = index === 0 ? envelope.signature : envelope.trace[index - 1]?.signature;
  return previous ?? new Uint8Array(0);
}

function statementFor(
  envelope: Mt2Envelope,
  index: number,
  host: string,
  time: Date,
): TraceStatement {
  return {
    messageId: envelope.messageId,
    host,
    time: time.toISOString(),
    previousDigest: sha256(previousSignature(envelope, index)),
  };
}

/** Checks that `hostname` may append an entry; the statement its entry signs. */
function nextTraceStatement(
  envelope: Mt2Envelope,
  hostCredentials: Credentials,
  hostname: string,
  at: Date,
): TraceStatement {
  if (envelope.trace.length >= MAX_TRACE_ENTRIES) {
    throw new MessageSecurityError(
      'MSGSEC_INPUT_TOO_LARGE',
      `already ${MAX_TRACE_ENTRIES} trace entries`,
    );
  }
  assertCertifiedFor(hostCredentials.certificate, { kind: 'host', hostname });
  return statementFor(envelope, envelope.trace.length, hostname, at);
}

function withEntry(envelope: Mt2Envelope, statement: TraceStatement, signature: Buffer) {
  const entry: TraceEntry = { host: statement.host, time: new Date(statement.time), signature };
  return { ...envelope, trace: [...envelope.trace, entry] };
}

/**
 * Returns the envelope with a trace entry for `hostname` at `at` appended, signed with
 * the host's credentials over the previous entry's signature (the sender's signature
 * for the first entry; empty octets for an unsigned message). MSGSEC_NOT_CERTIFIED when
 * the host certificate is not for `hostname`; MSGSEC_INPUT_TOO_LARGE at MAX_TRACE_ENTRIES.
 */
export function appendTrace(
  envelope: Mt2Envelope,
  hostCredentials: Credentials,
  hostname: string,
  at: Date,
): Mt2Envelope {
  const statement = nextTraceStatement(envelope, hostCredentials, hostname, at);
  const signed = signStatement(encodeTraceStatement(statement), hostCredentials, at);
  return withEntry(envelope, statement, signed);
}

/**
 * {@link appendTrace} with the raw signature made by `rawSign` (a server passes its
 * SigningPool, so signing runs on another thread); the same entry, the same errors.
 */
export async function appendTraceWith(
  envelope: Mt2Envelope,
  hostCredentials: Credentials,
  hostname: string,
  at: Date,
  rawSign: RawSigner,
): Promise<Mt2Envelope> {
  const statement = nextTraceStatement(envelope, hostCredentials, hostname, at);
  const statementDer = encodeTraceStatement(statement);
  const signed = await signStatementWith(statementDer, hostCredentials, at, rawSign);
  return withEntry(envelope, statement, signed);
}

/** Options of {@link verifyTraceChain}. */
export interface TraceChainOptions {
  /**
   * The last entry's host (the server that delivered the message; its own entry is
   * checked as usual) is the `relayedBy` of the hosts before it, so a trusted gateway
   * stands in for their CAs when the validator does not know them.
   */
  readonly lastHopAsGateway?: boolean;
}

/**
 * Verifies every trace entry, oldest first: its signature, that it signs the signature
 * before it (so no entry was removed, reordered or inserted), that its host and time
 * are the signed ones, and the validator's verdict on the host certificate for the
 * entry's host at `at`. Stops at and reports the first broken entry. Never throws for
 * what a peer sent.
 */
export async function verifyTraceChain(
  envelope: Mt2Envelope,
  validator: IdentityValidator,
  at: Date,
  options: TraceChainOptions = {},
): Promise<TraceVerification> {
  const lastIndex = envelope.trace.length - 1;
  const gateway = options.lastHopAsGateway === true ? envelope.trace[lastIndex]?.host : undefined;
  const verdicts: Verdict[] = [];
  const broken = (index: number, failure: MessageSecurityFailure): TraceVerification => ({
    valid: false,
    brokenAt: index,
    failure,
    verdicts,
  });
  if (envelope.trace.length > MAX_TRACE_ENTRIES) {
    return broken(MAX_TRACE_ENTRIES, {
      code: 'TRACE_TOO_LONG',
      message: `over ${MAX_TRACE_ENTRIES} entries`,
    });
  }
  for (const [index, entry] of envelope.trace.entries()) {
    if (entry.signature === undefined) {
      return broken(index, {
        code: 'TRACE_SIGNATURE_MISSING',
        message: `entry of ${entry.host} is unsigned`,
      });
    }
    const opening = openSignature(entry.signature);
    if (!opening.ok) {
      const code =
        opening.problem === 'invalid' ? 'TRACE_SIGNATURE_INVALID' : 'TRACE_SIGNATURE_MALFORMED';
      return broken(index, { code, message: opening.message });
    }
    let signed: TraceStatement;
    try {
      signed = decodeTraceStatement(opening.opened.statement);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      return broken(index, { code: 'TRACE_SIGNATURE_MALFORMED', message: error.message });
    }
    const expected = statementFor(envelope, index, entry.host, entry.time);
    if (
      !signed.previousDigest.equals(expected.previousDigest) ||
      signed.messageId !== expected.messageId
    ) {
      return broken(index, {
        code: 'TRACE_LINK_BROKEN',
        message: `the entry of ${entry.host} does not sign the signature before it`,
      });
    }
    if (signed.host !== expected.host || signed.time !== expected.time) {
      return broken(index, {
        code: 'TRACE_ENTRY_ALTERED',
        message: `signed as ${signed.host} at ${signed.time}, found ${expected.host} at ${expected.time}`,
      });
    }
    const judgement = await judgeSigner(
      validator,
      opening.opened,
      { kind: 'host', hostname: entry.host },
      at,
      index < lastIndex ? gateway : undefined,
    );
    verdicts.push(judgement.verdict);
    if (judgement.bindingReasons.length > 0) {
      return broken(index, {
        code: 'TRACE_HOST_NOT_BOUND',
        message: `the certificate ${opening.opened.signer.subject} is not for ${entry.host}`,
      });
    }
    if (judgement.certificateReasons.length > 0) {
      return broken(index, {
        code: 'TRACE_CERTIFICATE_INVALID',
        message: judgement.certificateReasons.map((item) => item.message).join('; '),
        certificateReasons: judgement.certificateReasons,
      });
    }
  }
  return { valid: true, brokenAt: undefined, failure: undefined, verdicts };
}
