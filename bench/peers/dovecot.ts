// Dovecot as a benchmark peer: a private configuration in a scratch folder (no file of
// /etc/dovecot is read), IMAP on 127.0.0.1 on two free ports, one without TLS and one
// with it (IMAPS, a certificate made for the run by openssl), one user whose INBOX is a
// maildir filled with benchmark messages; imapflow fetches their headers.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { PeerError } from './errors.ts';
import { benchMessage, checkRun, formatRfc5322, newRunId } from './messages.ts';
import {
  chownTree,
  Daemon,
  freeLoopbackPort,
  makeScratch,
  removeScratch,
  requireExecutables,
  runCommand,
  systemAccount,
  waitForGreeting,
} from './process.internal.ts';

/** Where Debian's dovecot-core package puts the dovecot master binary. */
export const DEBIAN_DOVECOT = '/usr/sbin/dovecot';
/** The IMAP user of the private instance. */
export const BENCH_IMAP_USER = 'bench';
/** The IMAP user's password (PLAIN, loopback only). */
export const BENCH_IMAP_PASSWORD = 'bench-password';

/** What to start Dovecot with. */
export interface DovecotOptions {
  /** Messages in the INBOX, 1 to MAX_MESSAGE_COUNT. */
  readonly count: number;
  /** Body size of each message in bytes (in its CRLF form; stored with LF as maildir does). */
  readonly bodyBytes: number;
  /** The dovecot binary (default DEBIAN_DOVECOT). */
  readonly binary?: string;
  /** How long Dovecot may take to greet, in milliseconds (default 15,000). */
  readonly startTimeoutMs?: number;
}

/** The outcome of fetching every message's header. */
export interface HeaderFetchResult {
  /** The header block of each message (BODY.PEEK[HEADER]), in UID order. */
  readonly headers: readonly Buffer[];
  /** The sum of the header blocks' sizes, in bytes. */
  readonly headerBytes: number;
  /** Time of the FETCH alone (after login and SELECT), in milliseconds. */
  readonly elapsedMs: number;
  /** Time from connecting (login, SELECT, FETCH) until the last header is in, in milliseconds. */
  readonly sessionMs: number;
  /** Whether the session ran over TLS. */
  readonly encrypted: boolean;
}

/** A running private Dovecot. */
export interface DovecotServer {
  /** Its IMAP port on 127.0.0.1 (no TLS). */
  readonly port: number;
  /** Its IMAPS port on 127.0.0.1 (TLS from the first octet). */
  readonly tlsPort: number;
  /** The scratch folder holding configuration, logs and the maildir. */
  readonly scratchDir: string;
  /** The Message-IDs stored, in UID order. */
  readonly messageIds: readonly string[];
  /**
   * Logs in with imapflow, selects INBOX read-only and fetches BODY.PEEK[HEADER] of every
   * message (`1:*` by UID) into memory. The first call also pays for Dovecot building its
   * index of the maildir. With `tls`, over IMAPS, checking Dovecot's certificate.
   */
  fetchAllHeaders(options?: { readonly tls?: boolean }): Promise<HeaderFetchResult>;
  /** Where fetchAllHeaders connects, for a fetch run elsewhere (imap-fetch-process.ts). */
  endpoint(options?: { readonly tls?: boolean }): ImapEndpoint;
  /**
   * Deletes Dovecot's index of the maildir (its `dovecot*` files: index, cache, log,
   * uidlist), so that the next session builds it again, as the first one did. Only
   * between sessions; resolves with the names deleted.
   */
  dropIndex(): Promise<string[]>;
  /** Stops Dovecot and removes the scratch folder; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The private dovecot.conf (Dovecot 2.3): IMAP on 127.0.0.1:`port` and IMAPS on
 * 127.0.0.1:`tlsPort` only, everything under `scratch` (the certificate and key in tls/).
 */
export function dovecotConfig(scratch: string, port: number, tlsPort: number): string {
  return `# Private benchmark instance written by bench/peers/dovecot.ts
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <${scratch}/tls/cert.pem
ssl_key = <${scratch}/tls/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain
base_dir = ${scratch}/run
state_dir = ${scratch}/state
log_path = ${scratch}/dovecot.log
mail_location = maildir:${scratch}/mail/%u
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${scratch}/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${scratch}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tlsPort}
    ssl = yes
  }
}
service anvil {
  chroot =
}
`;
}

/** Writes `count` messages into a maildir's cur/ folder, as already-seen messages. */
async function fillMaildir(maildir: string, count: number, bodyBytes: number): Promise<string[]> {
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(maildir, sub), { recursive: true });
  const runId = newRunId();
  const deliveredAt = Math.floor(Date.now() / 1000);
  const messageIds: string[] = [];
  for (let index = 0; index < count; index++) {
    const message = benchMessage(index, bodyBytes, runId);
    // Maildir files use the host's line ends (LF), as Dovecot's own delivery writes them.
    const text = Buffer.from(
      formatRfc5322(message).toString('latin1').replaceAll('\r\n', '\n'),
      'latin1',
    );
    const name = `${deliveredAt}.M${index}P${process.pid}.mt2-bench,S=${text.length}:2,S`;
    await writeFile(join(maildir, 'cur', name), text);
    messageIds.push(message.messageId);
  }
  return messageIds;
}

/**
 * Writes a private configuration and a maildir of `count` messages, then starts Dovecot
 * in the foreground. Fails with PEER_BAD_OPTION for a bad count or size,
 * PEER_NOT_INSTALLED when Dovecot is missing, PEER_START_FAILED or PEER_TIMEOUT when it
 * does not come up; the scratch folder is removed on failure.
 */
export async function startDovecot(options: DovecotOptions): Promise<DovecotServer> {
  checkRun(options.count, options.bodyBytes);
  const binary = options.binary ?? DEBIAN_DOVECOT;
  await requireExecutables([binary]);
  const mailOwner = await systemAccount('nobody', 'nogroup');
  const port = await freeLoopbackPort();
  const tlsPort = await freeLoopbackPort();
  const scratchDir = await makeScratch('mt2-dovecot-');
  let daemon: Daemon | undefined;
  const stop = async (): Promise<void> => {
    await daemon?.stop('SIGTERM', 10_000);
    await removeScratch(scratchDir);
  };
  let messageIds: string[];
  let ca: Buffer;
  try {
    const mailRoot = join(scratchDir, 'mail');
    messageIds = await fillMaildir(
      join(mailRoot, BENCH_IMAP_USER),
      options.count,
      options.bodyBytes,
    );
    // Dovecot refuses to access mail as root: the maildir belongs to nobody.
    await chownTree(mailRoot, mailOwner);
    for (const dir of ['run', 'state']) await mkdir(join(scratchDir, dir));
    await writeFile(
      join(scratchDir, 'passwd'),
      `${BENCH_IMAP_USER}:{PLAIN}${BENCH_IMAP_PASSWORD}\n`,
    );
    ca = await makeCertificate(join(scratchDir, 'tls'));
    const configFile = join(scratchDir, 'dovecot.conf');
    await writeFile(configFile, dovecotConfig(scratchDir, port, tlsPort));
    daemon = new Daemon('dovecot', binary, ['-c', configFile, '-F']);
    await waitForGreeting(daemon, port, '* OK', options.startTimeoutMs ?? 15_000);
  } catch (error) {
    await stop();
    throw error;
  }

  const endpoint = (fetchOptions: { readonly tls?: boolean } = {}): ImapEndpoint =>
    fetchOptions.tls === true ? { port: tlsPort, ca } : { port };
  return {
    port,
    tlsPort,
    scratchDir,
    messageIds,
    fetchAllHeaders: (fetchOptions = {}) =>
      fetchAllHeaders(endpoint(fetchOptions), messageIds.length),
    endpoint,
    dropIndex: () => dropIndex(join(scratchDir, 'mail', BENCH_IMAP_USER)),
    stop,
  };
}

/** Deletes the `dovecot*` files at the top of `maildir` (none of them is mail). */
async function dropIndex(maildir: string): Promise<string[]> {
  const names = (await readdir(maildir)).filter((name) => name.startsWith('dovecot'));
  await Promise.all(names.map((name) => rm(join(maildir, name), { recursive: true })));
  return names;
}

/**
 * A self-signed certificate for 127.0.0.1 and its key, made by openssl into `dir`
 * (cert.pem, key.pem); returns the certificate, which the client trusts for the run.
 */
async function makeCertificate(dir: string): Promise<Buffer> {
  await mkdir(dir);
  const cert = join(dir, 'cert.pem');
  await runCommand('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  return readFile(cert);
}

/** Where imapflow connects: without TLS, or over IMAPS trusting `ca`. */
export type ImapEndpoint =
  { readonly port: number } | { readonly port: number; readonly ca: Buffer };

/** Fetches every header from the private instance; see DovecotServer.fetchAllHeaders. */
export async function fetchAllHeaders(
  endpoint: ImapEndpoint,
  expected: number,
): Promise<HeaderFetchResult> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: endpoint.port,
    // Without TLS means without STARTTLS too, which imapflow would otherwise do by itself.
    ...('ca' in endpoint
      ? { secure: true, tls: { ca: endpoint.ca } }
      : { secure: false, doSTARTTLS: false }),
    auth: { user: BENCH_IMAP_USER, pass: BENCH_IMAP_PASSWORD },
    logger: false,
    disableAutoIdle: true,
  });
  const connecting = performance.now();
  await client.connect();
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    const headers: Buffer[] = [];
    let headerBytes = 0;
    const started = performance.now();
    for await (const message of client.fetch('1:*', { uid: true, headers: true }, { uid: true })) {
      if (message.headers === undefined) {
        throw new PeerError(
          'PEER_UNEXPECTED_REPLY',
          `Dovecot sent no header for UID ${message.uid}`,
        );
      }
      headers.push(message.headers);
      headerBytes += message.headers.length;
    }
    const ended = performance.now();
    const elapsedMs = ended - started;
    const sessionMs = ended - connecting;
    if (headers.length !== expected) {
      throw new PeerError(
        'PEER_UNEXPECTED_REPLY',
        `Dovecot returned ${headers.length} headers, expected ${expected}`,
      );
    }
    return { headers, headerBytes, elapsedMs, sessionMs, encrypted: client.secureConnection };
  } finally {
    await client.logout().catch(() => undefined);
  }
}
