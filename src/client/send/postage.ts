import { HASHCASH_OID, MAX_STAMP_BITS, mintStamp } from '../../extensions/index.ts';
import type { Mt2Envelope, Mt2Extension } from '../../message/index.ts';
import { Mt2Error, RESULT } from '../../protocol/index.ts';

/** Most bits the engine will mint for; more would take hours (a hostile server). */
export const MAX_POSTAGE_BITS = 28;

/** What a server asked for: leading zero bits, and the recipient the stamp pays for. */
export interface PostageDemand {
  readonly bits: number;
  readonly resource?: string;
}

function optionValue(error: Mt2Error, name: string): string | undefined {
  const group = error.groups.find(
    (candidate) => candidate.kind === 'option' && candidate.name === name,
  );
  return group?.kind === 'option' ? group.values[0] : undefined;
}

/**
 * The postage a refusal asks for, or undefined when the refusal is about something
 * else. Reads the ERR's (BITS=n) (RESOURCE=address) options, else "n bits" in its text.
 */
export function postageDemand(error: unknown): PostageDemand | undefined {
  if (!(error instanceof Mt2Error) || error.code !== 'REFUSED') return undefined;
  if (error.result !== RESULT.POSTAGE_REQUIRED) return undefined;
  const bitsText = optionValue(error, 'BITS') ?? /(\d+) bits/.exec(error.message)?.[1];
  const bits = Number(bitsText);
  if (
    !Number.isSafeInteger(bits) ||
    bits < 1 ||
    bits > Math.min(MAX_STAMP_BITS, MAX_POSTAGE_BITS)
  ) {
    return undefined;
  }
  const resource = optionValue(error, 'RESOURCE');
  return resource === undefined ? { bits } : { bits, resource };
}

/**
 * Mints one stamp per recipient in worker threads and returns the envelope with a
 * hashcash delivery extension carrying them. Postage is outside the signature
 * (docs/message-security.md), so adding it keeps the signature valid.
 */
export async function addPostage(
  envelope: Mt2Envelope,
  bits: number,
  signal?: AbortSignal,
): Promise<Mt2Envelope> {
  const stamps: string[] = [];
  for (const resource of envelope.recipients) {
    stamps.push(await mintStamp({ resource, bits, ...(signal === undefined ? {} : { signal }) }));
  }
  const extension: Mt2Extension = {
    oid: HASHCASH_OID,
    critical: true,
    content: stamps.map((stamp) => ({
      name: 'stamp',
      attributes: { bits: String(bits) },
      children: [stamp],
    })),
  };
  const others = envelope.extensions.filter((candidate) => candidate.oid !== HASHCASH_OID);
  return { ...envelope, extensions: [...others, extension] };
}
