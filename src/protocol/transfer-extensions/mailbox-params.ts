// Reading the parameters of the mailbox-access verbs (docs/protocol.md section 8.4):
// each parser returns what the verb needs, or the refusal to send.
import type { Mt2Request } from '../codec/frames.ts';
import { isUint } from '../codec/tokens.ts';
import { PART_TYPES } from '../session/transfer-receiver.ts';
import { isMailboxFlag } from './mailbox-entry.ts';
import { MAX_PACK_BYTES, PACK_OPTION } from './mailbox-pack.ts';
import { MAILBOX_RESULT, type MailboxFlag, type MailboxPart } from './mailbox-types.ts';

const PART_NAMES: readonly string[] = PART_TYPES;
const FLAG_CHANGE = /^([+-])(.+)$/;

/** A verb's parameters as read, or the refusal to send. */
export type Parsed<T> = T | Refusal;

/** The answer to a request whose parameters are wrong: a result code and its text. */
export interface Refusal {
  readonly refuse: string;
  readonly text: string;
}

/** A refusal; by default `120.0.5.4` (bad parameters). */
export function refusal(text: string, code: string = MAILBOX_RESULT.BAD_PARAMETERS): Refusal {
  return { refuse: code, text };
}

/** `LIST {since} [(LIMIT=n)]`. */
export function parseList(
  request: Mt2Request,
  maxEntries: number,
): Parsed<{ since: number; limit: number }> {
  const [since, ...extra] = request.params;
  const usage = 'LIST {since} (LIMIT=n)';
  if (since?.kind !== 'number' || extra.length > 0) return refusal(usage);
  const [group, ...otherGroups] = request.options;
  if (group === undefined) return { since: since.value, limit: maxEntries };
  const [value, ...otherValues] = group.values;
  const asked = value !== undefined && isUint(value) ? Number(value) : 0;
  if (group.name !== 'LIMIT' || asked === 0 || otherValues.length + otherGroups.length > 0) {
    return refusal(usage);
  }
  // A larger page than the server's is cut to it; MORE then says to ask again.
  return { since: since.value, limit: Math.min(asked, maxEntries) };
}

/** Distinct atom msg-ids, at most `maxIds`. */
function parseIds(params: Mt2Request['params'], maxIds: number): Parsed<{ ids: string[] }> {
  if (params.length > maxIds) {
    return refusal(`At most ${maxIds} msg-ids per request.`, MAILBOX_RESULT.TOO_MANY_IDS);
  }
  const ids: string[] = [];
  for (const param of params) {
    if (param.kind !== 'atom') return refusal('msg-ids are atoms');
    ids.push(param.value);
  }
  if (ids.length === 0) return refusal('at least one msg-id');
  if (new Set(ids).size !== ids.length) return refusal('a msg-id twice');
  return { ids };
}

/** `PULL msg-id... part [(PACK=bytes)]`; the pack size is cut to {@link MAX_PACK_BYTES}. */
export function parsePull(
  request: Mt2Request,
  maxIds: number,
): Parsed<{ ids: string[]; part: MailboxPart; packBytes?: number }> {
  const last = request.params[request.params.length - 1];
  const partIndex = last?.kind === 'atom' ? PART_NAMES.indexOf(last.value) : -1;
  const part = PART_TYPES[partIndex];
  const [group, ...otherGroups] = request.options;
  const [packText, ...otherValues] = group?.values ?? [];
  const packBytes = packText !== undefined && isUint(packText) ? Number(packText) : 0;
  const packProblem =
    group !== undefined &&
    (group.name !== PACK_OPTION || packBytes < 1 || otherValues.length + otherGroups.length > 0);
  if (part === undefined || packProblem) {
    return refusal('PULL msg-id... message/envelope|message/headers|message/body (PACK=bytes)');
  }
  const parsed = parseIds(request.params.slice(0, -1), maxIds);
  if ('refuse' in parsed) return parsed;
  return group === undefined
    ? { ids: parsed.ids, part }
    : { ids: parsed.ids, part, packBytes: Math.min(packBytes, MAX_PACK_BYTES) };
}

/** `FLAG msg-id +flag... -flag...`. */
export function parseFlag(
  request: Mt2Request,
): Parsed<{ msgId: string; add: MailboxFlag[]; remove: MailboxFlag[] }> {
  const [id, ...changes] = request.params;
  const usage = 'FLAG msg-id +flag... -flag... (seen, flagged, deleted, answered)';
  if (id?.kind !== 'atom' || changes.length === 0 || request.options.length > 0) {
    return refusal(usage);
  }
  const add: MailboxFlag[] = [];
  const remove: MailboxFlag[] = [];
  for (const change of changes) {
    const match = change.kind === 'atom' ? FLAG_CHANGE.exec(change.value) : null;
    const name = match?.[2];
    if (name === undefined || !isMailboxFlag(name)) return refusal(usage);
    if (add.includes(name) || remove.includes(name)) return refusal(`${name} named twice`);
    (match?.[1] === '+' ? add : remove).push(name);
  }
  return { msgId: id.value, add, remove };
}

/** `DELE msg-id...`. */
export function parseDele(request: Mt2Request, maxIds: number): Parsed<{ ids: string[] }> {
  return request.options.length > 0 ? refusal('DELE msg-id...') : parseIds(request.params, maxIds);
}
