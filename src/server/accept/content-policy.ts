// The filters that look at what a message says and how it is sealed (the slides'
// "Prohibited senders, recipients, subject...", "Encryption levels" and "Prohibited
// content"): the encryption level from the envelope, before any header or body octet;
// the Subject from headers in the clear; the text of bodies in the clear. A server never
// sees the Subject or text of encrypted parts: those filters pass them (the encryption
// level is the filter for whoever must read everything).
import type { EncryptablePart } from '../../identity/index.ts';
import { MessageError, parseBody, type Mt2Headers } from '../../message/index.ts';
import { RESULT } from '../../protocol/index.ts';
import type { FilterConfig } from '../daemon/config.ts';
import { refusal, type Refusal } from './refusal.ts';

/** `filters.encryption` against the parts the envelope marks encrypted. */
export function encryptionLevelProblem(
  encrypted: ReadonlySet<EncryptablePart>,
  control: boolean,
  filters: FilterConfig,
): Refusal | undefined {
  if (filters.encryption === 'refused' && encrypted.size > 0) {
    return refusal(RESULT.ENCRYPTION_REFUSED, `encrypted ${[...encrypted].join(' and ')} refused`);
  }
  if (filters.encryption === 'required' && !control) {
    const clear = (['headers', 'body'] as const).filter((part) => !encrypted.has(part));
    if (clear.length > 0) {
      return refusal(RESULT.ENCRYPTION_REFUSED, `${clear.join(' and ')} must be encrypted`);
    }
  }
  return undefined;
}

/** The first phrase of `phrases` found in `text`, case-insensitively. */
function phraseIn(text: string, phrases: readonly string[]): string | undefined {
  const lower = text.toLowerCase();
  return phrases.find((phrase) => lower.includes(phrase.toLowerCase()));
}

/** `filters.blockedSubjects` against the decoded headers' Subject. */
export function subjectProblem(headers: Mt2Headers, filters: FilterConfig): Refusal | undefined {
  if (filters.blockedSubjects.length === 0) return undefined;
  for (const field of headers.fields) {
    if (field.kind !== 'subject') continue;
    const phrase = phraseIn(field.text, filters.blockedSubjects);
    if (phrase !== undefined) return refusal(RESULT.SUBJECT_PROHIBITED, `subject has '${phrase}'`);
  }
  return undefined;
}

/**
 * `filters.blockedContent` against the body's text and HTML, transfer encodings and
 * charsets decoded (src/message parseBody). A body that does not parse is left to the
 * MIME check.
 */
export async function contentProblem(
  body: Uint8Array,
  filters: FilterConfig,
): Promise<Refusal | undefined> {
  if (filters.blockedContent.length === 0) return undefined;
  let parsed;
  try {
    parsed = await parseBody(body);
  } catch (error) {
    if (error instanceof MessageError) return undefined;
    throw error;
  }
  const phrase = phraseIn(`${parsed.text ?? ''}\n${parsed.html ?? ''}`, filters.blockedContent);
  return phrase === undefined
    ? undefined
    : refusal(RESULT.CONTENT_PROHIBITED, `body has '${phrase}'`);
}
