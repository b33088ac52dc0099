// What the mailbox-access client verbs share (docs/protocol.md section 8.4): argument
// checks, cutting msg-ids into requests that fit a line, reading counts from an answer.
import type { Mt2Response } from '../codec/frames.ts';
import { isAtom, isUint } from '../codec/tokens.ts';
import { Mt2Error } from '../errors.ts';
import type { ClientContext } from '../session/client-context.ts';

/** Msg-ids per PULL or DELE request when the caller names no other number. */
export const DEFAULT_IDS_PER_REQUEST = 500;
/** Octets of a request line besides its msg-ids: `[` tag (at most 16 digits) ` VERB ` ... `]` CRLF. */
const LINE_FRAME_BYTES = 1 + 16 + 6 + 3;

/** The error for an answer that breaks the extension's grammar. */
export const malformed = (detail: string): Mt2Error => new Mt2Error('MALFORMED_RESPONSE', detail);

/** @throws Mt2Error BAD_PARAMETERS unless `value` is an integer from `minimum`. */
export function checkCount(value: number, name: string, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new Mt2Error(
      'BAD_PARAMETERS',
      `${name} must be an integer from ${minimum}, got ${value}`,
    );
  }
}

/** Each msg-id an atom, each once, at least one. */
export function checkIds(msgIds: readonly string[]): void {
  if (msgIds.length === 0) throw new Mt2Error('BAD_PARAMETERS', 'at least one msg-id');
  const bad = msgIds.find((id) => !isAtom(id));
  if (bad !== undefined) throw new Mt2Error('BAD_PARAMETERS', `msg-id '${bad}' is not an atom`);
  if (new Set(msgIds).size !== msgIds.length)
    throw new Mt2Error('BAD_PARAMETERS', 'a msg-id twice');
}

/**
 * Cuts msg-ids into requests of at most `perRequest` ids whose lines fit the server's
 * MAXLINE next to `otherBytes` of other parameters.
 */
export function batches(
  context: ClientContext,
  msgIds: readonly string[],
  perRequest: number,
  otherBytes: number,
): string[][] {
  const budget = context.endpoint.peerLimits.maxLineBytes - LINE_FRAME_BYTES - otherBytes;
  const out: string[][] = [];
  let current: string[] = [];
  let used = 0;
  for (const id of msgIds) {
    if (current.length > 0 && (current.length >= perRequest || used + id.length + 1 > budget)) {
      out.push(current);
      current = [];
      used = 0;
    }
    current.push(id);
    used += id.length + 1;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The value of a `(NAME=uint)` group of a response. */
export function countOf(response: Mt2Response, name: string): number {
  const group = response.groups.find((g) => g.kind === 'option' && g.name === name);
  const [value, ...extra] = group?.kind === 'option' ? group.values : [];
  if (value === undefined || extra.length > 0 || !isUint(value)) {
    throw malformed(`${response.code} without a valid (${name}=n)`);
  }
  return Number(value);
}
