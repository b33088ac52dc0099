import {
  HASHCASH_OID,
  HashcashError,
  checkStamp,
  type CheckedStamp,
  type PostagePolicy,
} from '../../extensions/index.ts';
import type { Mt2Envelope, XmlNode } from '../../message/index.ts';
import { RESULT, type Mt2Option } from '../../protocol/index.ts';
import type { ServerConfig } from '../daemon/config.ts';
import { anyAddressMatches } from './patterns.ts';
import type { Refusal } from './refusal.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The postage policy of the configuration (bits 0: postage off). */
export function postagePolicy(config: ServerConfig): PostagePolicy {
  return {
    bits: config.postage.bits,
    validityMs: config.postage.validityDays * DAY_MS,
    graceMs: config.postage.graceDays * DAY_MS,
  };
}

function textOf(nodes: readonly XmlNode[]): string {
  return nodes.map((node) => (typeof node === 'string' ? node : textOf(node.children))).join('');
}

/**
 * The stamps of the envelope's hashcash delivery extensions: each `<stamp>` element's
 * text (docs/message-format.md), whitespace trimmed.
 */
export function stampsOf(envelope: Mt2Envelope): string[] {
  return envelope.extensions
    .filter((extension) => extension.oid === HASHCASH_OID)
    .flatMap((extension) => extension.content)
    .flatMap((node) =>
      typeof node !== 'string' && node.name.replace(/^.*:/, '') === 'stamp'
        ? [textOf(node.children).trim()]
        : [],
    );
}

/** Whether `recipient` takes mail from `sender` without postage. */
export function needsPostage(config: ServerConfig, sender: string, recipient: string): boolean {
  if (config.postage.bits === 0 || sender === '') return false;
  if (anyAddressMatches(config.postage.exemptSenders, sender)) return false;
  return !anyAddressMatches(config.whitelists[recipient] ?? [], sender);
}

/** `(BITS=n) (RESOURCE=address)`: what a stamp must have, for the client to mint it. */
function postageOptions(bits: number, resource: string): Mt2Option[] {
  return [
    { kind: 'option', name: 'BITS', values: [String(bits)] },
    { kind: 'option', name: 'RESOURCE', values: [resource] },
  ];
}

/**
 * Checks the postage for each recipient that needs it: a stamp whose resource is that
 * recipient, with enough bits, inside its validity window. Returns the stamps to spend,
 * or the refusal: 99.0.5.50 with (BITS) and (RESOURCE) when a stamp is missing,
 * 99.0.5.51 when one is bad. Double spending is checked when the stamps are spent.
 */
export function checkPostage(
  config: ServerConfig,
  envelope: Mt2Envelope,
  recipients: readonly string[],
  at: Date,
): CheckedStamp[] | Refusal {
  const policy = postagePolicy(config);
  const stamps = stampsOf(envelope);
  const checked: CheckedStamp[] = [];
  for (const recipient of recipients) {
    if (!needsPostage(config, envelope.sender, recipient)) continue;
    const candidates = stamps.filter((stamp) =>
      stamp.toLowerCase().includes(`:${recipient.toLowerCase()}:`),
    );
    if (candidates.length === 0) {
      return {
        accept: false,
        code: RESULT.POSTAGE_REQUIRED,
        text: `Postage required: ${policy.bits} bits for ${recipient}.`,
        options: postageOptions(policy.bits, recipient),
      };
    }
    let failure = '';
    const good = candidates.flatMap((stamp) => {
      try {
        return [checkStamp(stamp, recipient, at, policy)];
      } catch (error) {
        if (!(error instanceof HashcashError)) throw error;
        failure = `${error.code}: ${error.message}`;
        return [];
      }
    });
    const stamp = good[0];
    if (stamp === undefined) {
      return {
        accept: false,
        code: RESULT.POSTAGE_INVALID,
        text: `Postage for ${recipient} refused (${failure}).`,
        options: postageOptions(policy.bits, recipient),
      };
    }
    checked.push(stamp);
  }
  return checked;
}
