import { resultClass, statusAgreesWithClass, type ResponseStatus } from '../result-codes.ts';
import type { Mt2ErrorCode } from '../errors.ts';
import type { Mt2ExtensionResult, Mt2Invalid, Mt2Line, Mt2Option, Mt2Param } from './frames.ts';
import {
  isAtom,
  isExtName,
  isExtText,
  isExtValue,
  isResultCode,
  isText,
  isUint,
} from './grammar.internal.ts';

const STATUSES: ReadonlySet<string> = new Set<ResponseStatus>(['OK', 'ERR', 'TMP']);
const VERB_ANY_CASE = /^[A-Za-z][A-Za-z0-9]{0,15}$/;

/** Thrown inside the parser, turned into an {@link Mt2Invalid} at its boundary. */
class SyntaxFailure extends Error {
  constructor(
    readonly code: Mt2ErrorCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

function fail(detail: string, code: Mt2ErrorCode = 'MALFORMED_LINE'): never {
  throw new SyntaxFailure(code, detail);
}

/**
 * Parses one request or response line, without its CRLF and already decoded from
 * UTF-8 (docs/protocol.md section 2). Never throws: bad input gives an
 * {@link Mt2Invalid} that carries the request's tag when it could be read.
 */
export function parseLine(line: string): Mt2Line | Mt2Invalid {
  let tag: number | null = null;
  try {
    if (!line.startsWith('[') || !line.endsWith(']') || line.length < 2) {
      fail('a line is enclosed in [ ]');
    }
    const inner = line.slice(1, -1);
    const firstSpace = inner.indexOf(' ');
    const tagToken = firstSpace < 0 ? inner : inner.slice(0, firstSpace);
    if (tagToken !== '*' && !isUint(tagToken)) fail('bad tag');
    const numericTag = tagToken === '*' ? null : Number(tagToken);
    if (firstSpace < 0) fail('no verb or status after the tag');
    const rest = inner.slice(firstSpace + 1);
    const secondSpace = rest.indexOf(' ');
    const second = secondSpace < 0 ? rest : rest.slice(0, secondSpace);
    if (STATUSES.has(second)) {
      const after = secondSpace < 0 ? '' : rest.slice(secondSpace + 1);
      if (secondSpace >= 0 && after === '') fail('trailing space');
      return parseResponse(numericTag ?? '*', second as ResponseStatus, after);
    }
    if (numericTag === null) fail('tag * is for responses only');
    tag = numericTag;
    return parseRequest(numericTag, rest);
  } catch (error) {
    if (!(error instanceof SyntaxFailure)) throw error;
    return { kind: 'invalid', code: error.code, tag, fatal: false, detail: error.detail };
  }
}

function parseRequest(tag: number, rest: string): Mt2Line {
  const tokens = rest.split(' ');
  const head = tokens.shift() ?? '';
  const eq = head.indexOf('=');
  const verbText = eq < 0 ? head : head.slice(0, eq);
  if (!VERB_ANY_CASE.test(verbText)) fail('bad verb');
  const params: Mt2Param[] = [];
  const options: Mt2Option[] = [];
  if (eq >= 0) params.push(parseParam(head.slice(eq + 1)));
  for (const token of tokens) {
    if (token.startsWith('(')) {
      options.push(parseOption(token));
    } else {
      if (options.length > 0) fail('parameters come before extension groups');
      params.push(parseParam(token));
    }
  }
  return {
    kind: 'request',
    tag,
    verb: verbText.toUpperCase(),
    params,
    options,
    joined: eq >= 0,
  };
}

function parseParam(token: string): Mt2Param {
  if (token.startsWith('{')) {
    const digits = token.endsWith('}') ? token.slice(1, -1) : '';
    if (!isUint(digits)) fail('bad {n} parameter');
    return { kind: 'number', value: Number(digits) };
  }
  if (!isAtom(token)) fail(token === '' ? 'empty parameter' : 'bad atom');
  return { kind: 'atom', value: token };
}

/** `(NAME)` or `(NAME=v1;v2)`, parentheses included. */
function parseOption(token: string): Mt2Option {
  if (!token.endsWith(')') || token.length < 3) fail('bad extension group');
  const body = token.slice(1, -1);
  const eq = body.indexOf('=');
  const name = eq < 0 ? body : body.slice(0, eq);
  if (!isExtName(name)) fail('bad extension name');
  if (eq < 0) return { kind: 'option', name, values: [] };
  const values = body.slice(eq + 1).split(';');
  if (!values.every(isExtValue)) fail('bad extension value');
  return { kind: 'option', name, values };
}

function checkCode(status: ResponseStatus, code: string): void {
  if (!isResultCode(code)) fail('bad result code');
  if (!statusAgreesWithClass(status, resultClass(code))) {
    fail(`${status} cannot carry class ${resultClass(code)}`, 'STATUS_CLASS_MISMATCH');
  }
}

function parseResponse(tag: number | '*', status: ResponseStatus, after: string): Mt2Line {
  const space = after.indexOf(' ');
  const code = space < 0 ? after : after.slice(0, space);
  checkCode(status, code);
  const groups: (Mt2Option | Mt2ExtensionResult)[] = [];
  let rest = space < 0 ? '' : after.slice(space + 1);
  if (space >= 0 && rest === '') fail('trailing space');
  while (rest.startsWith('(')) {
    const close = rest.indexOf(')');
    if (close < 0) fail('unclosed extension group');
    groups.push(parseResponseGroup(rest.slice(0, close + 1)));
    rest = rest.slice(close + 1);
    if (rest === '') break;
    if (!rest.startsWith(' ') || rest.length === 1) fail('groups are separated by one space');
    rest = rest.slice(1);
  }
  if (!isText(rest)) fail('bad text');
  return { kind: 'response', tag, status, code, groups, text: rest };
}

/** An option `(NAME=v)` or an extension result `(NAME STATUS code text)`. */
function parseResponseGroup(group: string): Mt2Option | Mt2ExtensionResult {
  const body = group.slice(1, -1);
  const space = body.indexOf(' ');
  if (space < 0) return parseOption(group);
  const name = body.slice(0, space);
  if (!isExtName(name)) fail('bad extension name');
  const [status = '', code = ''] = body.slice(space + 1).split(' ', 2);
  if (!STATUSES.has(status)) fail('bad extension status');
  checkCode(status as ResponseStatus, code);
  const textStart = space + 1 + status.length + 1 + code.length;
  if (body.length > textStart && body[textStart] !== ' ') fail('bad extension result');
  const text = body.slice(textStart + 1);
  if (body.length > textStart && text === '') fail('trailing space');
  if (!isExtText(text)) fail('bad extension text');
  return { kind: 'result', name, status: status as ResponseStatus, code, text };
}
