// vCard 4.0 (RFC 6350) text through ical.js: reading a received card and writing the
// user's own. ical.js parses vCard into jCard (RFC 7095) and writes it back.
import ICAL from 'ical.js';
import { ExtensionError } from '../recipient/errors.ts';

/** Longest vCard accepted, in characters (32 Ki: a card with a small photo URI fits). */
export const MAX_VCARD_CHARS = 32 * 1024;

/** What the client reads out of a vCard; the full text is kept beside it. */
export interface VcardSummary {
  /** FN, the formatted name (required by RFC 6350). */
  readonly fullName: string;
  /** EMAIL values, in order. */
  readonly emails: readonly string[];
  /** TEL values, in order. */
  readonly phones: readonly string[];
  /** ORG, first component, when present. */
  readonly organization?: string;
}

/** The fields of the user's own card, as edited in settings. */
export interface VcardFields {
  readonly fullName: string;
  /** N: family name, given name (optional). */
  readonly familyName?: string;
  readonly givenName?: string;
  readonly emails?: readonly string[];
  /** Phone numbers, written as `tel:` URIs (RFC 6350 section 6.4.1). */
  readonly phones?: readonly string[];
  readonly organization?: string;
  readonly note?: string;
}

function invalid(message: string): ExtensionError {
  return new ExtensionError('VCARD_INVALID', message);
}

/**
 * ical.js 2.2.1 leaves `\;` escaped in vCard text values, but RFC 6350 section 3.4 lets
 * a writer escape a semicolon in any text value (vobject does, in FN). So escaped
 * semicolons are swapped for a private-use mark before parsing (after unfolding, and
 * scanning escapes in pairs so `\\;` stays a backslash and a separator), and the
 * mark is turned back into `;` in the values read.
 */
const SEMICOLON_MARK = '\uE000';

function protectEscapedSemicolons(text: string): string {
  return text
    .replace(/\r?\n[ \t]/g, '')
    .replace(/\\[\s\S]/g, (pair) => (pair === '\\;' ? SEMICOLON_MARK : pair));
}

function restoreSemicolons(value: string): string {
  return value.replaceAll(SEMICOLON_MARK, ';');
}

function textValues(card: ICAL.Component, name: string): string[] {
  return card
    .getAllProperties(name)
    .map((property) => property.getFirstValue())
    .filter((value): value is string => typeof value === 'string')
    .map(restoreSemicolons);
}

/**
 * Reads one vCard 4.0. Refused (VCARD_INVALID): more than {@link MAX_VCARD_CHARS},
 * unparseable, not exactly one VCARD component, a VERSION other than 4.0, no FN.
 */
export function readVcard(text: string): VcardSummary {
  if (text.length > MAX_VCARD_CHARS) {
    throw invalid(`vCard of ${text.length} characters exceeds ${MAX_VCARD_CHARS}`);
  }
  if (text.includes(SEMICOLON_MARK)) throw invalid('U+E000 is reserved by this reader');
  let parsed: unknown;
  try {
    parsed = ICAL.parse(protectEscapedSemicolons(text));
  } catch (error) {
    throw invalid(
      `vCard cannot be parsed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  // One component parses to ['vcard', props, subs]; several to an array of those.
  if (!Array.isArray(parsed) || parsed[0] !== 'vcard') {
    throw invalid('expected exactly one VCARD component');
  }
  const card = new ICAL.Component(parsed as unknown[]);
  const version = card.getFirstPropertyValue('version');
  if (version !== '4.0') throw invalid(`VERSION must be 4.0, not ${String(version ?? '(none)')}`);
  const [fullName] = textValues(card, 'fn');
  if (fullName === undefined || fullName.trim() === '') throw invalid('FN is required');
  // ORG is structured (organization; unit; ...): ical.js gives an array of its fields.
  const org: unknown = card.getFirstProperty('org')?.getFirstValue();
  const organization: unknown = Array.isArray(org) ? (org as unknown[])[0] : org;
  return {
    fullName,
    emails: textValues(card, 'email'),
    phones: textValues(card, 'tel'),
    ...(typeof organization === 'string' && organization !== ''
      ? { organization: restoreSemicolons(organization) }
      : {}),
  };
}

/** Writes a vCard 4.0 from `fields` (CRLF line endings, folded by ical.js). */
export function writeVcard(fields: VcardFields): string {
  const card = new ICAL.Component('vcard');
  card.addPropertyWithValue('version', '4.0');
  card.addPropertyWithValue('fn', fields.fullName);
  if (fields.familyName !== undefined || fields.givenName !== undefined) {
    card.addPropertyWithValue('n', [fields.familyName ?? '', fields.givenName ?? '', '', '', '']);
  }
  for (const email of fields.emails ?? []) card.addPropertyWithValue('email', email);
  for (const phone of fields.phones ?? []) {
    card.addPropertyWithValue('tel', phone.startsWith('tel:') ? phone : `tel:${phone}`);
  }
  if (fields.organization !== undefined) card.addPropertyWithValue('org', fields.organization);
  if (fields.note !== undefined) card.addPropertyWithValue('note', fields.note);
  const text = `${card.toString()}\r\n`;
  readVcard(text);
  return text;
}
