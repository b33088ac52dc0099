import { MessageError } from './errors.ts';
import { MAX_MBOX_BYTES } from './limits.ts';

/** One message of an mbox file. */
export interface MboxEntry {
  /** The envelope sender of the `From ` separator line, as written (often an address, or MAILER-DAEMON). */
  readonly separatorSender: string;
  /** The message octets, with `>From ` quoting undone and the separating blank line removed. */
  readonly message: Uint8Array;
}

/** How `>From ` lines are unquoted: mboxrd removes one `>` from every `>+From ` line; none leaves them. */
export type MboxQuoting = 'mboxrd' | 'none';

/** Options of {@link splitMbox}. */
export interface MboxOptions {
  /** Quoting to undo; default `mboxrd`. */
  readonly quoting?: MboxQuoting;
  /** Largest file accepted, in bytes; default {@link MAX_MBOX_BYTES}. */
  readonly maxBytes?: number;
}

const SEPARATOR = /^From (\S*)/;

/**
 * Splits an mbox file (RFC 4155) into its messages. A separator is a line starting with
 * `From ` at the start of the file or after an empty line; the empty line that ends
 * each message belongs to the mbox format and is removed. LF and CRLF files both work.
 * MBOX_MALFORMED when the file does not start with a separator or is too large.
 */
export function splitMbox(bytes: Uint8Array, options: MboxOptions = {}): MboxEntry[] {
  const { quoting = 'mboxrd', maxBytes = MAX_MBOX_BYTES } = options;
  if (bytes.byteLength > maxBytes) {
    throw new MessageError(
      'MBOX_MALFORMED',
      `mbox of ${bytes.byteLength} bytes exceeds ${maxBytes}`,
    );
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length === 0) return [];
  if (!buffer.subarray(0, 5).equals(Buffer.from('From '))) {
    throw new MessageError('MBOX_MALFORMED', "an mbox file starts with a 'From ' line", 'byte 0');
  }
  const entries: MboxEntry[] = [];
  let sender = '';
  let lines: Buffer[] = [];
  let previousBlank = true;
  const finish = () => {
    // The last line of a message is the empty line that precedes the next separator.
    const last = lines.at(-1);
    if (last !== undefined && (last.equals(Buffer.from('\n')) || last.equals(Buffer.from('\r\n'))))
      lines.pop();
    entries.push({ separatorSender: sender, message: new Uint8Array(Buffer.concat(lines)) });
  };
  for (let position = 0; position < buffer.length;) {
    const newline = buffer.indexOf(0x0a, position);
    const end = newline === -1 ? buffer.length : newline + 1;
    const line = buffer.subarray(position, end);
    const start = line.toString('latin1', 0, Math.min(line.length, 512));
    if (previousBlank && start.startsWith('From ')) {
      if (position > 0) finish();
      sender = SEPARATOR.exec(start)?.[1] ?? '';
      lines = [];
    } else if (quoting === 'mboxrd' && /^>+From /.test(start)) {
      lines.push(line.subarray(1));
    } else {
      lines.push(line);
    }
    previousBlank = start === '\n' || start === '\r\n';
    position = end;
  }
  finish();
  return entries;
}
