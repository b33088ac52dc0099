import { timingSafeEqual } from 'node:crypto';

/** What the web host lets through: its own Host names, its own origin, its token. */
export interface HostPolicy {
  readonly port: number;
  readonly token: string;
}

export interface RequestFacts {
  readonly host: string | undefined;
  readonly origin: string | undefined;
  /** The request target as sent (path and query). */
  readonly url: string | undefined;
}

export type GuardVerdict =
  | {
      readonly ok: true;
      /** The path after `/<token>`, starting with `/` (or empty). */ readonly path: string;
    }
  | { readonly ok: false; readonly reason: string };

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'] as const;

/**
 * Checks one HTTP request or WebSocket upgrade. Another Host header means a DNS
 * rebinding attempt (a page on another site resolving its name to 127.0.0.1); another
 * Origin means a cross-site page talking to us; a missing or wrong token means a request
 * that did not come from the URL this launch printed.
 */
export function checkRequest(
  facts: RequestFacts,
  policy: HostPolicy,
  originRequired: boolean,
): GuardVerdict {
  const allowedHosts = LOOPBACK_NAMES.map((name) => `${name}:${policy.port}`);
  if (facts.host === undefined || !allowedHosts.includes(facts.host.toLowerCase())) {
    return { ok: false, reason: 'unknown Host' };
  }
  if (facts.origin === undefined) {
    if (originRequired) return { ok: false, reason: 'missing Origin' };
  } else if (!allowedHosts.some((host) => facts.origin === `http://${host}`)) {
    return { ok: false, reason: 'foreign Origin' };
  }
  const pathname = (facts.url ?? '').split('?', 1)[0] ?? '';
  const match = /^\/([^/]*)(\/.*)?$/.exec(pathname);
  if (match === null || !tokenMatches(match[1] ?? '', policy.token)) {
    return { ok: false, reason: 'missing or wrong token' };
  }
  return { ok: true, path: match[2] ?? '' };
}

function tokenMatches(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
