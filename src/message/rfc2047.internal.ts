// RFC 2047 encoded words: decoding for display, encoding for the canonical form of
// non-ASCII text in legacy header fields.

const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;
const ADJACENT_WORDS =
  /(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)[ \t\r\n]+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)/g;
/** Bytes of UTF-8 text per encoded word, so each word stays under RFC 2047's 75 characters. */
const BYTES_PER_WORD = 45;

function wordBytes(encoding: string, text: string): Uint8Array {
  if (encoding.toUpperCase() === 'B') return new Uint8Array(Buffer.from(text, 'base64'));
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    const hex = text.slice(index + 1, index + 3);
    if (character === '_') bytes.push(0x20);
    else if (character === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else bytes.push(text.charCodeAt(index) & 0xff);
  }
  return new Uint8Array(bytes);
}

function decodeCharset(charset: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(charset.toLowerCase() === 'us-ascii' ? 'utf-8' : charset).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes the encoded words in `text`; whitespace between two adjacent encoded words
 * is dropped (RFC 2047 section 6.2). A word in an unknown charset stays as written.
 */
export function decodeEncodedWords(text: string): string {
  if (!text.includes('=?')) return text;
  return text
    .replace(ADJACENT_WORDS, '$1')
    .replace(ENCODED_WORD, (word, charset: string, encoding: string, payload: string) => {
      return decodeCharset(charset, wordBytes(encoding, payload)) ?? word;
    });
}

/** Encodes `text` as UTF-8 base64 encoded words separated by single spaces. */
export function encodeWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const character of text) {
    if (Buffer.byteLength(chunk + character) > BYTES_PER_WORD) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  words.push(chunk);
  return words
    .map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`)
    .join(' ');
}
