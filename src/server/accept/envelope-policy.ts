import { HASHCASH_OID, type CheckedStamp } from '../../extensions/index.ts';
import {
  ENCRYPTED_PARTS_OID,
  encryptedPartsOf,
  verifyTraceChain,
  type IdentityValidator,
} from '../../identity/index.ts';
import { unknownCriticalExtensions, type Mt2Envelope } from '../../message/index.ts';
import { RESULT } from '../../protocol/index.ts';
import type { ServerConfig } from '../daemon/config.ts';
import type { SessionPeer } from './admission.ts';
import { encryptionLevelProblem } from './content-policy.ts';
import { anyAddressMatches, domainOf, normalizeAddress } from './patterns.ts';
import { checkPostage } from './postage.ts';
import { isRefusal, refusal, type Refusal } from './refusal.ts';

/** The delivery extensions mt2d understands; an unknown critical one refuses the message. */
const KNOWN_DELIVERY_EXTENSIONS: ReadonlySet<string> = new Set([HASHCASH_OID, ENCRYPTED_PARTS_OID]);

/** Where an accepted message goes, and the postage that pays for it. */
export interface AcceptedEnvelope {
  readonly accept: true;
  /** Local recipients (lower case): their mailboxes. */
  readonly local: readonly string[];
  /** Other domains (lower case) with recipients there: their relay queues. */
  readonly remoteDomains: readonly string[];
  /** Stamps to spend before the message is stored. */
  readonly stamps: readonly CheckedStamp[];
}

/** What the envelope filters need of the server. */
export interface EnvelopeContext {
  readonly config: ServerConfig;
  readonly validator: IdentityValidator;
  isLocalUser(address: string): boolean;
}

function checkSender(envelope: Mt2Envelope, peer: SessionPeer, config: ServerConfig) {
  const sender = normalizeAddress(envelope.sender);
  if (peer.kind === 'user' && sender !== peer.address) {
    return refusal(RESULT.SENDER_NOT_AUTHENTICATED, `${peer.address} may not send as '${sender}'`);
  }
  if (peer.kind === 'host' && sender !== '' && domainOf(sender) === config.domain) {
    return refusal(RESULT.SENDER_NOT_AUTHENTICATED, `${peer.hostname} may not send as ${sender}`);
  }
  if (sender !== '' && anyAddressMatches(config.filters.blockedSenders, sender)) {
    return refusal(RESULT.SENDER_PROHIBITED, `${sender} is prohibited here`);
  }
  return undefined;
}

/**
 * A user's own message arrives without trace entries; a host's carries a chain that
 * verifies and ends with that host's own entry.
 */
async function checkTrace(
  envelope: Mt2Envelope,
  peer: SessionPeer,
  validator: IdentityValidator,
  at: Date,
): Promise<Refusal | undefined> {
  if (peer.kind === 'user') {
    return envelope.trace.length === 0
      ? undefined
      : refusal(RESULT.TRACE_INVALID, 'a message from its author has no trace entries');
  }
  const last = envelope.trace.at(-1);
  if (last === undefined || last.host.toLowerCase() !== peer.hostname) {
    return refusal(RESULT.TRACE_INVALID, `the last trace entry is not ${peer.hostname}'s`);
  }
  const chain = await verifyTraceChain(envelope, validator, at);
  if (chain.valid) return undefined;
  return refusal(
    RESULT.TRACE_INVALID,
    `trace entry ${chain.brokenAt ?? '?'}: ${chain.failure?.code ?? 'invalid'}`,
  );
}

function checkExtensions(envelope: Mt2Envelope, config: ServerConfig): Refusal | undefined {
  const unknown = unknownCriticalExtensions(envelope.extensions, KNOWN_DELIVERY_EXTENSIONS);
  if (unknown.length > 0) {
    return refusal(
      RESULT.UNKNOWN_CRITICAL_EXTENSION,
      `unknown critical delivery extension ${unknown.map((e) => e.oid).join(', ')}`,
    );
  }
  const refused = envelope.extensions.find((e) => config.filters.refusedExtensions.includes(e.oid));
  return refused === undefined
    ? undefined
    : refusal(RESULT.UNDESIRABLE_OPTION, `delivery extension ${refused.oid} is refused here`);
}

function routeRecipients(
  envelope: Mt2Envelope,
  peer: SessionPeer,
  context: EnvelopeContext,
): Refusal | { local: string[]; remoteDomains: string[] } {
  const { config } = context;
  if (envelope.recipients.length === 0) {
    return refusal(RESULT.ENVELOPE_MALFORMED, 'no recipients');
  }
  if (envelope.recipients.length > config.limits.maxRecipients) {
    return refusal(RESULT.RECIPIENT_PROHIBITED, `over ${config.limits.maxRecipients} recipients`);
  }
  const local = new Set<string>();
  const remote = new Set<string>();
  for (const recipient of envelope.recipients.map(normalizeAddress)) {
    if (anyAddressMatches(config.filters.blockedRecipients, recipient)) {
      return refusal(RESULT.RECIPIENT_PROHIBITED, `${recipient} is prohibited here`);
    }
    const domain = domainOf(recipient);
    if (domain === config.domain) {
      if (!context.isLocalUser(recipient)) {
        return refusal(RESULT.UNKNOWN_RECIPIENT, `no mailbox ${recipient}`);
      }
      local.add(recipient);
    } else if (peer.kind === 'user') {
      remote.add(domain);
    } else {
      return refusal(RESULT.RECIPIENT_PROHIBITED, `no relaying for ${peer.hostname} to ${domain}`);
    }
  }
  return { local: [...local], remoteDomains: [...remote] };
}

/**
 * The envelope filters of mt2d, in order (docs/mt2d.md, "Filters"): the id, the sender
 * (authenticated, not prohibited), the trace data, the delivery extensions (unknown
 * critical, refused by policy), the encryption level, the recipients (known, not prohibited, no relaying for
 * hosts), then postage. The first failing filter refuses the whole message with its code.
 */
export async function checkEnvelope(
  envelope: Mt2Envelope,
  msgId: string,
  peer: SessionPeer,
  context: EnvelopeContext,
  at: Date,
): Promise<AcceptedEnvelope | Refusal> {
  if (envelope.messageId !== msgId) {
    return refusal(RESULT.ENVELOPE_MALFORMED, `envelope id ${envelope.messageId} is not ${msgId}`);
  }
  const early =
    checkSender(envelope, peer, context.config) ??
    (await checkTrace(envelope, peer, context.validator, at)) ??
    checkExtensions(envelope, context.config) ??
    encryptionLevelProblem(encryptedPartsOf(envelope), envelope.control, context.config.filters);
  if (early !== undefined) return early;
  const routed = routeRecipients(envelope, peer, context);
  if (isRefusal(routed)) return routed;
  const stamps = envelope.control ? [] : checkPostage(context.config, envelope, routed.local, at);
  if (isRefusal(stamps)) return stamps;
  return { accept: true, ...routed, stamps };
}
