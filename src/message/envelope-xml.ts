import type { ErrorReport, ErrorReportResult, Mt2Envelope, TraceEntry } from './envelope.ts';
import { MessageError } from './errors.ts';
import type { Mt2Extension } from './extension.ts';
import { readExtension, writeExtension } from './extension-xml.internal.ts';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './limits.ts';
import {
  readBase64,
  readDateTime,
  readRoot,
  writeBase64,
  writeDateTime,
  type ElementReader,
} from './xml-read.internal.ts';
import {
  MT2_MESSAGE_NAMESPACE,
  parseXmlDocument,
  serializeXmlDocument,
  serializeXmlElement,
  type XmlElement,
} from './xml-tree.ts';
import { element, indented } from './xml-write.internal.ts';

const ENVELOPE_ADDRESS = /^[^\s<>@]+@[^\s<>@]+$/u;
/** True for an address an envelope can carry: `local@domain`, UTF-8, no blanks or angle brackets. */
export function isEnvelopeAddress(address: string): boolean {
  return ENVELOPE_ADDRESS.test(address);
}

const RESULT_CODE = /^[0-9]+(?:\.[0-9]+){3}$/;

function readAddress(reader: ElementReader, allowNull: boolean): string {
  const address = reader.allowAttributes().text();
  if (address === '' && allowNull) return '';
  if (!ENVELOPE_ADDRESS.test(address)) reader.fail(`'${address}' is not an address`);
  return address;
}

function readTrace(reader: ElementReader): TraceEntry {
  reader.allowAttributes('host', 'time');
  const host = reader.requiredAttribute('host');
  if (!/^[^\s]+$/.test(host)) reader.fail(`'${host}' is not a host name`, `${reader.path}/@host`);
  const time = readDateTime(reader, reader.requiredAttribute('time'), '/@time');
  let signature: Uint8Array | undefined;
  for (const child of reader.elements()) {
    if (child.element.name !== 'signature' || signature !== undefined)
      child.fail('unexpected element');
    signature = readBase64(child, child.allowAttributes().text());
  }
  return signature === undefined ? { host, time } : { host, time, signature };
}

function readErrorReport(reader: ElementReader): ErrorReport {
  reader.allowAttributes('message');
  const messageId = reader.requiredAttribute('message');
  const results: ErrorReportResult[] = reader.elements().map((child) => {
    if (child.element.name !== 'result') child.fail('unexpected element');
    child.allowAttributes('recipient', 'code');
    const recipient = child.requiredAttribute('recipient');
    const code = child.requiredAttribute('code');
    if (!RESULT_CODE.test(code))
      child.fail(`'${code}' is not a result code`, `${child.path}/@code`);
    return { recipient, code, text: child.text() };
  });
  return { messageId, results };
}

/**
 * Decodes a `message/envelope` document. Total and strict: returns a complete
 * envelope or throws one {@link MessageError} (XML_* code and the path of the fault).
 */
export function decodeEnvelope(
  input: Uint8Array | string,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): Mt2Envelope {
  const root = readRoot(parseXmlDocument(input, limits), 'envelope');
  root.allowAttributes('xmlns', 'id', 'control');
  const messageId = root.requiredAttribute('id');
  if (messageId === '' || /\s/.test(messageId))
    root.fail('id must be a non-empty token', '/envelope/@id');
  const control = root.booleanAttribute('control', false);
  let sender: string | undefined;
  const recipients: string[] = [];
  let signature: Uint8Array | undefined;
  let certificate: Uint8Array | undefined;
  const trace: TraceEntry[] = [];
  const extensions: Mt2Extension[] = [];
  let errorReport: ErrorReport | undefined;
  for (const child of root.elements()) {
    const once = (present: unknown) => {
      if (present !== undefined) child.fail(`'${child.element.name}' may appear once`);
    };
    switch (child.element.name) {
      case 'sender':
        once(sender);
        sender = readAddress(child, true);
        break;
      case 'recipient':
        recipients.push(readAddress(child, false));
        break;
      case 'signature':
        once(signature);
        signature = readBase64(child, child.allowAttributes().text());
        break;
      case 'certificate':
        once(certificate);
        certificate = readBase64(child, child.allowAttributes().text());
        break;
      case 'trace':
        trace.push(readTrace(child));
        break;
      case 'extension':
        extensions.push(readExtension(child));
        break;
      case 'errorReport':
        once(errorReport);
        errorReport = readErrorReport(child);
        break;
      default:
        child.fail(`unknown element '${child.element.name}'`);
    }
  }
  if (sender === undefined) return root.fail("missing element 'sender'");
  return {
    messageId,
    sender,
    recipients,
    control,
    ...(signature === undefined ? {} : { signature }),
    ...(certificate === undefined ? {} : { certificate }),
    trace,
    extensions,
    ...(errorReport === undefined ? {} : { errorReport }),
  };
}

function checkTraceHost(entry: TraceEntry, path: string): void {
  if (!/^[^\s]+$/.test(entry.host))
    throw new MessageError('XML_UNENCODABLE', 'host must be a non-empty token', `${path}/@host`);
}

function traceElement(entry: TraceEntry, path: string): XmlElement {
  const signature =
    entry.signature === undefined ? [] : [element('signature', {}, [writeBase64(entry.signature)])];
  const time = writeDateTime(entry.time, `${path}/@time`);
  return element('trace', { host: entry.host, time }, indented(signature, 1));
}

function checkEnvelope(envelope: Mt2Envelope): void {
  const fail = (reason: string, path: string) => {
    throw new MessageError('XML_UNENCODABLE', reason, path);
  };
  if (envelope.messageId === '' || /\s/.test(envelope.messageId))
    fail('messageId must be a non-empty token', '/envelope/@id');
  if (envelope.sender !== '' && !ENVELOPE_ADDRESS.test(envelope.sender))
    fail('sender is not an address', '/envelope/sender');
  envelope.recipients.forEach((recipient, index) => {
    if (!ENVELOPE_ADDRESS.test(recipient))
      fail('not an address', `/envelope/recipient[${index + 1}]`);
  });
  envelope.trace.forEach((entry, index) => {
    checkTraceHost(entry, `/envelope/trace[${index + 1}]`);
  });
  envelope.errorReport?.results.forEach((result, index) => {
    if (!RESULT_CODE.test(result.code))
      fail('not a result code', `/envelope/errorReport/result[${index + 1}]/@code`);
  });
}

/** The envelope as an XML tree (before serialisation); see {@link encodeEnvelope}. */
export function envelopeToXml(envelope: Mt2Envelope): XmlElement {
  checkEnvelope(envelope);
  const children: XmlElement[] = [element('sender', {}, [envelope.sender])];
  for (const recipient of envelope.recipients) children.push(element('recipient', {}, [recipient]));
  if (envelope.signature !== undefined)
    children.push(element('signature', {}, [writeBase64(envelope.signature)]));
  if (envelope.certificate !== undefined)
    children.push(element('certificate', {}, [writeBase64(envelope.certificate)]));
  envelope.trace.forEach((entry, index) => {
    children.push(traceElement(entry, `/envelope/trace[${index + 1}]`));
  });
  envelope.extensions.forEach((extension, index) => {
    children.push(writeExtension(extension, `/envelope/extension[${index + 1}]`));
  });
  if (envelope.errorReport !== undefined) {
    const results = envelope.errorReport.results.map((result) =>
      element('result', { recipient: result.recipient, code: result.code }, [result.text]),
    );
    children.push(
      element('errorReport', { message: envelope.errorReport.messageId }, indented(results, 1)),
    );
  }
  return element(
    'envelope',
    {
      xmlns: MT2_MESSAGE_NAMESPACE,
      id: envelope.messageId,
      control: envelope.control ? 'true' : undefined,
    },
    indented(children, 0),
  );
}

/** Encodes an envelope as a `message/envelope` document (UTF-8 XML). */
export function encodeEnvelope(envelope: Mt2Envelope): Uint8Array {
  return serializeXmlDocument(envelopeToXml(envelope));
}

/** The root's end tag and what may follow it here (blanks); looked for in the last octets. */
const ENVELOPE_END = /<\/envelope[ \t\r\n]*>[ \t\r\n]*$/;
const ENVELOPE_END_SEARCH_OCTETS = 256;

/**
 * The `message/envelope` document `encoded` (one {@link decodeEnvelope} accepted) with
 * `entry` appended as its last trace entry, without decoding and encoding it again: the
 * `<trace>` element goes just before the root's end tag, so it decodes as the old trace
 * plus `entry` and everything else as it was. Undefined when the document does not end
 * with that tag and blanks (a comment after it, say): encode the envelope instead.
 */
export function appendTraceEntryXml(
  encoded: Uint8Array,
  entry: TraceEntry,
): Uint8Array | undefined {
  const path = '/envelope/trace[last()]';
  checkTraceHost(entry, path);
  const tailStart = Math.max(0, encoded.byteLength - ENVELOPE_END_SEARCH_OCTETS);
  const bytes = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  // latin1 maps each octet to one character, so the match index is an octet offset.
  const end = ENVELOPE_END.exec(bytes.toString('latin1', tailStart));
  if (end === null) return undefined;
  const at = tailStart + end.index;
  const trace = Buffer.from(`  ${serializeXmlElement(traceElement(entry, path), path)}\n`, 'utf8');
  return Buffer.concat([bytes.subarray(0, at), trace, bytes.subarray(at)]);
}
