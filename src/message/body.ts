import { convert } from 'html-to-text';
import MailComposer from 'nodemailer/lib/mail-composer';
import PostalMime, { type Email } from 'postal-mime';
import { MessageError } from './errors.ts';
import { splitHeaderSection } from './rfc5322-section.internal.ts';

/** Largest body the MIME parser accepts: 64 MiB. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Deepest multipart nesting the MIME parser accepts: 32. */
export const MAX_MIME_DEPTH = 32;
/** Most header bytes across all parts of a body: 1 MiB. */
export const MAX_MIME_HEADER_BYTES = 1024 * 1024;

/** A non-text part of a body: a file, or an inline part such as an image the HTML shows. */
export interface BodyAttachment {
  /** Decoded file name (RFC 2047 and RFC 2231 handled), when the part names one. */
  readonly filename?: string;
  /** Lowercase media type, e.g. `image/png`. */
  readonly mimeType: string;
  /** `attachment`, `inline` or whatever the part says; absent when it says nothing. */
  readonly disposition?: string;
  /** Content-ID without angle brackets, for `cid:` references from the HTML. */
  readonly contentId?: string;
  /** True when the HTML refers to this part (an inline image, say). */
  readonly inline: boolean;
  /** The decoded content. */
  readonly content: Uint8Array;
}

/**
 * The most HTML turned into text for a body without a text part; the rest adds no text.
 * The converter's time grows with the square of the nesting, so hostile HTML of this size
 * still converts in a fraction of a second.
 */
export const MAX_HTML_FOR_TEXT = 128 * 1024;
/** Elements nested deeper than this add no text (hostile nesting would exhaust the stack). */
const MAX_HTML_DEPTH_FOR_TEXT = 100;

/** A body as a reader shows it: text and HTML decoded to strings whatever their charset. */
export interface DisplayBody {
  readonly text?: string;
  readonly html?: string;
  readonly attachments: readonly BodyAttachment[];
}

/**
 * Parses a MIME body (a `message/body` object) for display, with postal-mime:
 * transfer encodings and charsets decoded, RFC 2047 words in file names decoded, and
 * attachments and inline parts separated from the text. MIME_INVALID when the body is
 * too large, nests too deep, or cannot be parsed.
 */
export async function parseBody(body: Uint8Array): Promise<DisplayBody> {
  if (body.byteLength > MAX_BODY_BYTES) {
    throw new MessageError(
      'MIME_INVALID',
      `body of ${body.byteLength} bytes exceeds ${MAX_BODY_BYTES}`,
    );
  }
  let email: Email;
  try {
    email = await PostalMime.parse(body, {
      attachmentEncoding: 'arraybuffer',
      maxNestingDepth: MAX_MIME_DEPTH,
      maxHeadersSize: MAX_MIME_HEADER_BYTES,
    });
  } catch (error) {
    throw new MessageError('MIME_INVALID', error instanceof Error ? error.message : String(error));
  }
  const attachments = email.attachments.map((part): BodyAttachment => {
    const content =
      typeof part.content === 'string' ? Buffer.from(part.content) : new Uint8Array(part.content);
    const contentId = part.contentId?.replace(/^<|>$/g, '');
    return {
      ...(part.filename === null ? {} : { filename: part.filename }),
      mimeType: part.mimeType,
      ...(part.disposition === null ? {} : { disposition: part.disposition }),
      ...(contentId === undefined ? {} : { contentId }),
      inline: part.related === true || part.disposition === 'inline',
      content: new Uint8Array(content),
    };
  });
  return {
    ...(email.text === undefined ? {} : { text: email.text }),
    ...(email.html === undefined ? {} : { html: email.html }),
    attachments,
  };
}

/**
 * The body's text, to search and to quote: its text part, or for a body with only HTML,
 * what the HTML reads as (html-to-text: paragraphs and line breaks kept, images and link
 * targets left out). Undefined when it has neither, or the converter fails (the HTML is
 * still shown). A reader's work, not parseBody's: a server checking phrases reads the
 * HTML as it is, and spends nothing on converting it.
 */
export function bodyText(display: DisplayBody): string | undefined {
  if (display.text !== undefined || display.html === undefined) return display.text;
  try {
    return convert(display.html.slice(0, MAX_HTML_FOR_TEXT), {
      wordwrap: false,
      limits: { maxDepth: MAX_HTML_DEPTH_FOR_TEXT },
      selectors: [
        { selector: 'a', options: { ignoreHref: true } },
        { selector: 'img', format: 'skip' },
      ],
    });
  } catch {
    return undefined;
  }
}

/** A file to send with a message. */
export interface OutgoingAttachment {
  readonly filename: string;
  /** Media type; guessed from the file name when absent. */
  readonly mimeType?: string;
  readonly content: Uint8Array;
  /** Set to embed the part for the HTML (`<img src="cid:...">`) instead of attaching it. */
  readonly contentId?: string;
}

/** What a composer sends: text, an optional HTML alternative, attachments. */
export interface OutgoingBody {
  readonly text: string;
  readonly html?: string;
  readonly attachments?: readonly OutgoingAttachment[];
}

/**
 * Builds a MIME body (a `message/body` object) with nodemailer's MailComposer:
 * text/plain, a text/html alternative when given, attachments and inline parts, in
 * UTF-8 with CRLF line endings. Returns the entity alone (its Content-* fields, the
 * blank line and the content): message-level fields belong in the headers object.
 */
export async function buildBody(body: OutgoingBody): Promise<Uint8Array> {
  const composer = new MailComposer({
    text: body.text,
    ...(body.html === undefined ? {} : { html: body.html }),
    attachments: (body.attachments ?? []).map((attachment) => ({
      filename: attachment.filename,
      content: Buffer.from(attachment.content),
      ...(attachment.mimeType === undefined ? {} : { contentType: attachment.mimeType }),
      ...(attachment.contentId === undefined ? {} : { cid: attachment.contentId }),
    })),
    // The composer must never read files or URLs: content is always given in memory.
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: '\r\n',
  });
  const message: Buffer = await composer.compile().build();
  const { entries, restStart } = splitHeaderSection(message);
  const parts = entries
    .filter((entry) => /^content-/i.test(entry.name))
    .map((entry) => message.subarray(entry.start, entry.end));
  return new Uint8Array(Buffer.concat([...parts, message.subarray(restStart)]));
}
