// Splitting the header section of an RFC 5322 message (or of a MIME entity) into its
// lines, byte-exact: every byte belongs to exactly one entry or to the rest.

/** One field (with its continuation lines) or one line that is no field. */
export interface SectionEntry {
  readonly kind: 'field' | 'unparsed';
  /** The field name as written (empty for unparsed lines). */
  readonly name: string;
  /** Byte offset of the entry's first byte. */
  readonly start: number;
  /** Byte offset just past the entry's last line ending. */
  readonly end: number;
}

/** A header section: its entries in order and where the rest (the blank line and body) starts. */
export interface HeaderSection {
  readonly entries: readonly SectionEntry[];
  readonly restStart: number;
}

const FIELD_START = /^([\x21-\x39\x3B-\x7E]+)[ \t]*:/;
const LINE_FEED = 0x0a;

/**
 * Reads entries until an empty line (which belongs to the rest) or a line that is
 * neither a field nor a continuation (the rest starts there, as with a message that
 * has no blank line). An mbox `From ` line and a continuation with nothing to continue
 * are kept as unparsed entries when they come first.
 */
export function splitHeaderSection(bytes: Uint8Array): HeaderSection {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: SectionEntry[] = [];
  let position = 0;
  while (position < buffer.length) {
    const newline = buffer.indexOf(LINE_FEED, position);
    const end = newline === -1 ? buffer.length : newline + 1;
    // Field names are ASCII, so a latin1 view of the line's start is exact enough to classify it.
    const head = buffer.toString('latin1', position, Math.min(end, position + 200));
    const previous = entries.at(-1);
    if (head === '\n' || head === '\r\n') break;
    if (head.startsWith(' ') || head.startsWith('\t')) {
      if (previous === undefined)
        entries.push({ kind: 'unparsed', name: '', start: position, end });
      else entries[entries.length - 1] = { ...previous, end };
    } else {
      const field = FIELD_START.exec(head);
      if (field !== null)
        entries.push({ kind: 'field', name: field[1] ?? '', start: position, end });
      else if (position === 0 && head.startsWith('From '))
        entries.push({ kind: 'unparsed', name: '', start: 0, end });
      else break;
    }
    position = end;
  }
  return { entries, restStart: position };
}

/**
 * The value of a field entry: the bytes after the colon, without the final line ending.
 */
export function fieldValueBytes(bytes: Uint8Array, entry: SectionEntry): Uint8Array {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const colon = buffer.indexOf(0x3a, entry.start);
  let end = entry.end;
  if (end > colon && buffer[end - 1] === LINE_FEED) end -= 1;
  if (end > colon && buffer[end - 1] === 0x0d) end -= 1;
  return bytes.subarray(colon + 1, end);
}
