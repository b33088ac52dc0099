// The wire form of PULL packs (docs/protocol.md section 8.4): the client asks for parts
// packed with `(PACK=bytes)`; the server then sends several parts in one XFER, whose
// msg-id is `*` and whose `(PACK=size,msg-id;...)` group names the parts its data holds,
// in order. Shared by both sides so neither writes what the other refuses.
import { escapeMsgId, unescapeMsgId } from './mailbox-entry.ts';

/** The PULL option asking for packs, and the XFER group listing a pack's parts. */
export const PACK_OPTION = 'PACK';
/** The msg-id of a pack's XFER: it carries several, named in its PACK group. */
export const PACK_MSG_ID = '*';
/** The value of MBOX in HELO's OK saying the server sends packs. */
export const PACK_CAPABILITY = 'PACK';
/** Pack size a client asks for unless told otherwise. */
export const DEFAULT_PACK_BYTES = 256 * 1024;
/** Largest pack a server makes, whatever the client asks. */
export const MAX_PACK_BYTES = 1024 * 1024;

/** One part's entry in a PACK group: `size,msg-id` (`%` and `;` escaped). */
export function packValue(msgId: string, size: number): string {
  return `${size},${escapeMsgId(msgId)}`;
}

/** Reads a PACK group value back; undefined when it is not `size,msg-id` with size from 1. */
export function parsePackValue(value: string): { msgId: string; size: number } | undefined {
  const comma = value.indexOf(',');
  const sizeText = value.slice(0, comma);
  if (comma < 1 || !/^[1-9][0-9]{0,15}$/.test(sizeText)) return undefined;
  const size = Number(sizeText);
  const msgId = unescapeMsgId(value.slice(comma + 1));
  if (msgId === undefined || msgId === '' || !Number.isSafeInteger(size)) return undefined;
  return { msgId, size };
}
