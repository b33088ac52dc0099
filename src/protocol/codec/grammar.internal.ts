// Character classes and token checks of the MT2 grammar (docs/protocol.md section 2),
// shared by the parser and the encoder so the two cannot disagree.

/** VCHAR except ( ) [ ] { }. */
export function isAtomChar(c: number): boolean {
  return (
    c >= 0x21 &&
    c <= 0x7e &&
    c !== 0x28 &&
    c !== 0x29 &&
    c !== 0x5b &&
    c !== 0x5d &&
    c !== 0x7b &&
    c !== 0x7d
  );
}

const ATOM = /^[!-'*-Z\\^-z|~]+$/;
const VERB = /^[A-Z][A-Z0-9]{0,15}$/;
const UINT = /^(0|[1-9][0-9]{0,15})$/;
const RESULT_CODE = /^(0|[1-9][0-9]{0,9})(\.(0|[1-9][0-9]{0,9}))*\.0\.[2-5]\.(0|[1-9][0-9]{0,9})$/;
/** Whether `s` holds a C0 control or DEL (no line may; UTF-8 beyond ASCII is fine). */
export function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** An atom parameter: 1* atom-char. */
export const isAtom = (s: string): boolean => ATOM.test(s);
/** An extension name: atom-char except `=` and `;`. */
export const isExtName = (s: string): boolean => ATOM.test(s) && !/[=;]/.test(s);
/** An extension value: atom-char except `;`. */
export const isExtValue = (s: string): boolean => ATOM.test(s) && !s.includes(';');
/** The status words: a line whose second token is one of them is a response, never a request. */
const STATUS_WORDS: ReadonlySet<string> = new Set(['OK', 'ERR', 'TMP']);
/** A verb as stored in frames (upper case), and not a status word (docs/protocol.md section 2). */
export const isVerb = (s: string): boolean => VERB.test(s) && !STATUS_WORDS.has(s);
/** A wire unsigned integer: no leading zeros, at most 2^53-1. */
export function isUint(s: string): boolean {
  return UINT.test(s) && Number(s) <= Number.MAX_SAFE_INTEGER;
}
/** A result code `<namespace>.0.<class>.<detail>` (namespace may be dotted). */
export const isResultCode = (s: string): boolean => RESULT_CODE.test(s);
/** Response free text: no controls, must not start with `(` (that opens a group). */
export const isText = (s: string): boolean => !hasControl(s) && !s.startsWith('(');
/** Extension-result text: no controls and no parentheses. */
export const isExtText = (s: string): boolean => !hasControl(s) && !/[()]/.test(s);
/** A tag value: a wire unsigned integer. */
export const isTagValue = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
