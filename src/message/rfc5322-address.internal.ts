// RFC 5322 address lists (with the obsolete forms real mail uses) to MT2 mailboxes and
// groups, and the canonical way back.
import type { AddressEntry, Mailbox } from './headers.ts';
import { decodeEncodedWords, encodeWords } from './rfc2047.internal.ts';

type Token =
  | { readonly type: 'atom'; readonly text: string }
  | { readonly type: 'quoted'; readonly text: string; readonly source: string }
  | { readonly type: 'literal'; readonly text: string }
  | { readonly type: 'special'; readonly text: string };

const SPECIALS = '<>,:;@.';

/** Splits a field value into tokens; comments are dropped. Undefined when unbalanced. */
function tokenize(value: string): Token[] | undefined {
  const tokens: Token[] = [];
  let index = 0;
  while (index < value.length) {
    const character = value[index] ?? '';
    if (/[ \t\r\n]/.test(character)) {
      index += 1;
    } else if (character === '(') {
      let depth = 0;
      for (; index < value.length; index += 1) {
        const inside = value[index];
        if (inside === '\\') index += 1;
        else if (inside === '(') depth += 1;
        else if (inside === ')' && --depth === 0) break;
      }
      if (depth !== 0) return undefined;
      index += 1;
    } else if (character === '"') {
      let text = '';
      let end = index + 1;
      for (; end < value.length && value[end] !== '"'; end += 1) {
        if (value[end] === '\\') end += 1;
        text += value[end] ?? '';
      }
      if (end >= value.length) return undefined;
      tokens.push({
        type: 'quoted',
        text: text.replace(/\r?\n(?=[ \t])/g, ''),
        source: value.slice(index, end + 1),
      });
      index = end + 1;
    } else if (character === '[') {
      const end = value.indexOf(']', index);
      if (end === -1) return undefined;
      tokens.push({ type: 'literal', text: value.slice(index, end + 1) });
      index = end + 1;
    } else if (SPECIALS.includes(character)) {
      tokens.push({ type: 'special', text: character });
      index += 1;
    } else if (character === ')' || character === ']' || character === '\\') {
      return undefined;
    } else {
      let end = index;
      while (end < value.length && !/[ \t\r\n()"[\]<>,:;@.\\]/.test(value[end] ?? '')) end += 1;
      tokens.push({ type: 'atom', text: value.slice(index, end) });
      index = end;
    }
  }
  return tokens;
}

class AddressParser {
  private index = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private isSpecial(text: string): boolean {
    const token = this.peek();
    return token?.type === 'special' && token.text === text;
  }

  private expect(text: string): void {
    if (!this.isSpecial(text)) throw new SyntaxError(`expected '${text}'`);
    this.index += 1;
  }

  /** Words up to the next special other than '.', which obsolete phrases allow. */
  private phrase(): Token[] {
    const words: Token[] = [];
    for (let token = this.peek(); token !== undefined; token = this.peek()) {
      if (token.type === 'special' && token.text !== '.') break;
      words.push(token);
      this.index += 1;
    }
    return words;
  }

  /** An addr-spec after its local part was read as `local`. */
  private addrSpec(local: readonly Token[]): string {
    if (local.length === 0 || local.some((token) => token.type === 'literal'))
      throw new SyntaxError('bad local part');
    this.expect('@');
    const domain: string[] = [];
    for (let token = this.peek(); token !== undefined; token = this.peek()) {
      if (token.type === 'special' && token.text !== '.') break;
      if (token.type === 'quoted') throw new SyntaxError('quoted domain');
      domain.push(token.text);
      this.index += 1;
    }
    if (domain.length === 0) throw new SyntaxError('empty domain');
    return `${local.map((token) => (token.type === 'quoted' ? token.source : token.text)).join('')}@${domain.join('')}`;
  }

  private angleAddr(): string {
    this.expect('<');
    // Obsolete source route: "@a,@b:" before the address.
    if (this.isSpecial('@')) {
      while (!this.isSpecial(':')) {
        if (this.peek() === undefined) throw new SyntaxError('unterminated route');
        this.index += 1;
      }
      this.index += 1;
    }
    const address = this.addrSpec(this.phrase());
    this.expect('>');
    return address;
  }

  mailbox(): Mailbox {
    const words = this.phrase();
    if (this.isSpecial('<')) {
      const address = this.angleAddr();
      return words.length === 0 ? { address } : { name: phraseText(words), address };
    }
    return { address: this.addrSpec(words) };
  }

  entry(): AddressEntry {
    const start = this.index;
    const words = this.phrase();
    if (this.isSpecial(':')) {
      this.index += 1;
      const members: Mailbox[] = [];
      while (!this.isSpecial(';')) {
        if (this.isSpecial(',')) {
          this.index += 1;
          continue;
        }
        if (this.peek() === undefined) throw new SyntaxError('unterminated group');
        members.push(this.mailbox());
      }
      this.index += 1;
      return { group: phraseText(words), members };
    }
    this.index = start;
    return this.mailbox();
  }

  list(): AddressEntry[] {
    const entries: AddressEntry[] = [];
    while (this.peek() !== undefined) {
      if (this.isSpecial(',')) {
        this.index += 1;
        continue;
      }
      entries.push(this.entry());
      if (this.peek() !== undefined) this.expect(',');
    }
    return entries;
  }
}

/** Display text of a phrase: words joined by one space, encoded words decoded. */
function phraseText(words: readonly Token[]): string {
  const parts: string[] = [];
  words.forEach((word, index) => {
    parts.push(index === 0 || word.type === 'special' ? word.text : ` ${word.text}`);
  });
  return decodeEncodedWords(parts.join(''));
}

/** Parses an address-list value; undefined if it is not one. */
export function parseAddressList(value: string): AddressEntry[] | undefined {
  const tokens = tokenize(value);
  if (tokens === undefined) return undefined;
  try {
    return new AddressParser(tokens).list();
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** Parses a single-mailbox value (Sender); undefined if it is not exactly one. */
export function parseMailboxList(value: string): Mailbox[] | undefined {
  const entries = parseAddressList(value);
  if (entries === undefined || entries.some((entry) => 'group' in entry)) return undefined;
  return entries as Mailbox[];
}

/** Parses a phrase (a List-Id description); undefined if it holds specials other than '.'. */
export function parsePhrase(value: string): string | undefined {
  const tokens = tokenize(value);
  if (
    tokens === undefined ||
    tokens.some((token) => token.type === 'special' && token.text !== '.')
  )
    return undefined;
  return phraseText(tokens);
}

const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?: [A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
const PRINTABLE = /^[\x20-\x7E]*$/;

/** Writes a display name the way it reads back unchanged. */
export function formatPhrase(text: string): string {
  if (ATOM_PHRASE.test(text) && !text.includes('=?')) return text;
  if (PRINTABLE.test(text) && !text.includes('=?')) return `"${text.replace(/[\\"]/g, '\\$&')}"`;
  return encodeWords(text);
}

function formatMailbox(mailbox: Mailbox): string {
  return mailbox.name === undefined
    ? mailbox.address
    : `${formatPhrase(mailbox.name)} <${mailbox.address}>`;
}

/** Writes an address list canonically: entries joined by ", ". */
export function formatAddressList(entries: readonly AddressEntry[]): string {
  return entries
    .map((entry) =>
      'group' in entry
        ? `${formatPhrase(entry.group)}: ${entry.members.map(formatMailbox).join(', ')};`
        : formatMailbox(entry),
    )
    .join(', ');
}
