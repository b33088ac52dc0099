import { MAX_SNIPPET_CHARS } from './limits.ts';

/** The list's preview of a text: its words on one line, at most MAX_SNIPPET_CHARS. */
export function snippetOf(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_SNIPPET_CHARS);
}
