// imapflow fetching Dovecot's headers in a Node process of its own
// (bench/child-process.ts): the headers stay in that process, which reports their count
// and size.
import { fileURLToPath } from 'node:url';
import { startBenchChild } from '../child-process.ts';
import type { DovecotServer, HeaderFetchResult, ImapEndpoint } from './dovecot.ts';

/** A fetch's outcome as the child reports it: the headers counted, not sent over. */
export type HeaderFetchSummary = Omit<HeaderFetchResult, 'headers'> & {
  readonly headerCount: number;
};

/** What the child is asked. */
export interface FetchRequest {
  readonly endpoint: ImapEndpoint;
  readonly expected: number;
}

/** Fetches in the child process; stop() ends it. */
export interface ImapFetchProcess {
  fetchAllHeaders(options?: { readonly tls?: boolean }): Promise<HeaderFetchSummary>;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./imap-fetch-child.ts', import.meta.url));

/** A fetch may take this long (a cold one: under 1 s). */
const FETCH_TIMEOUT_MS = 120_000;

/** Starts the child for `dovecot`, once it has loaded. */
export async function startImapFetchProcess(dovecot: DovecotServer): Promise<ImapFetchProcess> {
  const child = await startBenchChild<FetchRequest, HeaderFetchSummary>('imapflow', CHILD);
  return {
    fetchAllHeaders: (options = {}) =>
      child.ask(
        { endpoint: dovecot.endpoint(options), expected: dovecot.messageIds.length },
        FETCH_TIMEOUT_MS,
      ),
    stop: () => child.stop(),
  };
}
