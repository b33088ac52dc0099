// The child of imap-fetch-process.ts: fetches every header from Dovecot with imapflow on
// each request and reports the outcome, the headers counted.
import { serveRequests } from '../child-process.ts';
import { fetchAllHeaders } from './dovecot.ts';
import type { FetchRequest, HeaderFetchSummary } from './imap-fetch-process.ts';

serveRequests(async ({ endpoint, expected }: FetchRequest): Promise<HeaderFetchSummary> => {
  const { headers, ...summary } = await fetchAllHeaders(endpoint, expected);
  return { ...summary, headerCount: headers.length };
});
