// The msg_key column: a 52-bit hash of a message's msg-id, indexed in place of the
// msg-id itself. Msg-ids are random (`${randomUUID()}@domain`, about 50 characters), so
// each message of a LIST page lands at a random place of an index on them; with
// (account_id, msg_id) as the key (about 70 bytes) that index cost as much as the rest
// of the row's insert. An 8-byte key makes its pages a quarter as many, cheaper to
// search, split and write. Lookups compare account and msg-id too, so two msg-ids with
// the same key (FNV-1a collisions: harmless, merely one more row read) are told apart.

const OFFSET_LOW = 0x811c9dc5;
/** Another start for the second lane, so the two 32-bit hashes are not the same. */
const OFFSET_HIGH = 0x050c5d1f;
const PRIME = 0x01000193;

/** The msg_key of `msgId`: a non-negative integer below 2^52 (exact in JS and SQLite). */
export function msgKey(msgId: string): number {
  let low = OFFSET_LOW;
  let high = OFFSET_HIGH;
  for (let index = 0; index < msgId.length; index++) {
    const unit = msgId.charCodeAt(index);
    low = Math.imul(low ^ unit, PRIME);
    high = Math.imul(high ^ (unit + index), PRIME);
  }
  return (high >>> 12) * 2 ** 32 + (low >>> 0);
}

/**
 * `WHERE` terms finding a message by account and msg-id through the msg_key index; bind
 * the values of `byMsgId`.
 */
export const BY_MSG_ID = 'msg_key = ? AND account_id = ? AND msg_id = ?';

/** The values for BY_MSG_ID, in its order. */
export function byMsgId(accountId: string, msgId: string): [number, string, string] {
  return [msgKey(msgId), accountId, msgId];
}
