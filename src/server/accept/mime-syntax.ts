// A strict structural check of a MIME entity (RFC 2045, 2046) for the "MIME syntax
// errors" filter. postal-mime (src/message's parser) is tolerant by design and reads
// nearly anything, so it cannot say "malformed"; this check is small and only looks at
// structure: header syntax, known transfer encodings, base64 alphabet, and multipart
// boundaries (present, opened and closed), recursively.

/** Deepest multipart nesting checked; deeper is itself an error. */
export const MAX_MIME_CHECK_DEPTH = 16;

const FIELD = /^[!-9;-~]+:/;
const ENCODINGS = new Set(['7bit', '8bit', 'binary', 'quoted-printable', 'base64']);
const BASE64 = /^[A-Za-z0-9+/=\r\n\t ]*$/;

interface Entity {
  readonly fields: ReadonlyMap<string, string>;
  readonly body: string;
}

function splitEntity(text: string): Entity | string {
  // A blank first line: no header fields at all (text/plain, RFC 2045 defaults).
  const end = /^\r?\n/.exec(text) ?? /\r?\n\r?\n/.exec(text);
  const head = end === null ? text : text.slice(0, end.index);
  const body = end === null ? '' : text.slice(end.index + end[0].length);
  const fields = new Map<string, string>();
  let current: string | undefined;
  for (const line of head === '' ? [] : head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && current !== undefined) {
      fields.set(current, `${fields.get(current) ?? ''} ${line.trim()}`);
    } else if (FIELD.test(line)) {
      const colon = line.indexOf(':');
      current = line.slice(0, colon).trim().toLowerCase();
      fields.set(current, line.slice(colon + 1).trim());
    } else {
      return `not a header field: ${JSON.stringify(line.slice(0, 40))}`;
    }
  }
  return { fields, body };
}

function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function checkMultipart(body: string, boundary: string, depth: number): string | undefined {
  const delimiter = `--${boundary}`;
  const lines = body.split(/\r?\n/);
  const parts: string[] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of lines) {
    const trimmed = line.replace(/[ \t]+$/, '');
    if (trimmed === `${delimiter}--`) {
      if (current !== undefined) parts.push(current.join('\r\n'));
      closed = true;
      break;
    }
    if (trimmed === delimiter) {
      if (current !== undefined) parts.push(current.join('\r\n'));
      current = [];
    } else current?.push(line);
  }
  if (parts.length === 0) return `multipart without a part for boundary ${boundary}`;
  if (!closed) return `multipart not closed (--${boundary}--)`;
  for (const part of parts) {
    const problem = checkEntity(part, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkEntity(text: string, depth: number): string | undefined {
  if (depth > MAX_MIME_CHECK_DEPTH) return `multipart nested deeper than ${MAX_MIME_CHECK_DEPTH}`;
  const entity = splitEntity(text);
  if (typeof entity === 'string') return entity;
  const encoding = (entity.fields.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (!ENCODINGS.has(encoding)) return `unknown Content-Transfer-Encoding ${encoding}`;
  if (encoding === 'base64' && !BASE64.test(entity.body)) return 'invalid base64 content';
  const contentType = entity.fields.get('content-type') ?? 'text/plain';
  if (!/^[!#-'*+.0-9A-Z^-~-]+\/[!#-'*+.0-9A-Z^-~-]+\s*(;|$)/i.test(contentType)) {
    return `malformed Content-Type ${JSON.stringify(contentType.slice(0, 40))}`;
  }
  if (!/^multipart\//i.test(contentType)) return undefined;
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) return 'multipart without a boundary parameter';
  return checkMultipart(entity.body, boundary, depth);
}

/** Undefined when `body` is a well-formed MIME entity, else why it is not. */
export function mimeSyntaxProblem(body: Uint8Array): string | undefined {
  return checkEntity(
    Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'),
    0,
  );
}
