// Turns what a user typed into an FTS5 query that means "every word, anywhere".
// Each word becomes a quoted phrase (an embedded quote is doubled), so no character of
// the input is FTS5 syntax: no column filters, operators (AND, OR, NOT, NEAR), prefix
// stars, carets or parentheses. The last word is a prefix query, for search as you type.
import { LocalStoreError } from './errors.ts';
import { MAX_SEARCH_CHARS, MAX_SEARCH_TERMS } from './limits.ts';

/** Letters and digits: a word without any has nothing for the tokenizer to index. */
const INDEXABLE = /[\p{L}\p{N}]/u;

/** Words are split at white space and control characters (SQLite's FTS5 parser stops at NUL). */
const SEPARATORS = /[\s\p{Cc}]+/u;

/** Lone surrogates would make the UTF-8 handed to SQLite differ from the text. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The FTS5 MATCH expression for `text`, or undefined when it has no searchable word. */
export function toMatchExpression(text: string): string | undefined {
  if (text.length > MAX_SEARCH_CHARS) {
    throw new LocalStoreError(
      'LOCAL_STORE_INVALID_INPUT',
      `search text is longer than ${MAX_SEARCH_CHARS} characters`,
    );
  }
  const words = text
    .replace(LONE_SURROGATE, '\uFFFD')
    .split(SEPARATORS)
    .filter((word) => INDEXABLE.test(word));
  if (words.length > MAX_SEARCH_TERMS) {
    throw new LocalStoreError(
      'LOCAL_STORE_INVALID_INPUT',
      `search text has more than ${MAX_SEARCH_TERMS} words`,
    );
  }
  if (words.length === 0) return undefined;
  const phrases = words.map((word) => `"${word.replaceAll('"', '""')}"`);
  return `${phrases.join(' ')}*`;
}
