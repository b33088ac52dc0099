// INN2's innd as a benchmark peer: a private instance (its own inn.conf, database and
// spool in a scratch folder) on 127.0.0.1 and a free port, run as user news, fed with
// our NNTP streaming client.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { benchMessage, checkRun, formatRfc5322, newRunId } from './messages.ts';
import { streamArticles, type NntpArticle, type NntpStreamResult } from './nntp-stream.ts';
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
  type Account,
} from './process.internal.ts';

/** Where Debian's inn2 package puts innd, ctlinnd and makedbz. */
export const DEBIAN_INN_BIN_DIR = '/usr/lib/news/bin';
/** The system inn.conf that bench/peers/setup.sh prepared; the private one starts from it. */
export const DEBIAN_INN_CONF = '/etc/news/inn.conf';
/** Newsgroup created for the benchmark articles. */
export const BENCH_NEWSGROUP = 'mt2.bench';

/** How to start innd. */
export interface InnOptions {
  /** Folder holding innd, ctlinnd and makedbz (default DEBIAN_INN_BIN_DIR). */
  readonly binDir?: string;
  /** The inn.conf to derive the private one from (default DEBIAN_INN_CONF). */
  readonly baseConf?: string;
  /** How long innd may take to greet, in milliseconds (default 20,000). */
  readonly startTimeoutMs?: number;
}

/** What one feed sends. */
export interface InnFeedOptions {
  /** Number of articles, 1 to MAX_MESSAGE_COUNT. */
  readonly count: number;
  /** Body size of each article in bytes (MIN_BODY_BYTES to MAX_BODY_BYTES). */
  readonly bodyBytes: number;
  /** TAKETHIS commands in flight at once (default DEFAULT_TAKETHIS_WINDOW). */
  readonly window?: number;
}

/** A running private innd. */
export interface InnServer {
  /** Its NNTP port on 127.0.0.1. */
  readonly port: number;
  /** The newsgroup the articles go to. */
  readonly newsgroup: string;
  /** The scratch folder holding its configuration, database and spool. */
  readonly scratchDir: string;
  /** Builds `count` benchmark articles and streams them to innd with TAKETHIS. */
  sendArticles(options: InnFeedOptions): Promise<NntpStreamResult>;
  /** Feeds ready-made articles (see streamArticles). */
  sendPrepared(articles: readonly NntpArticle[], window?: number): Promise<NntpStreamResult>;
  /** Shuts innd down and removes the scratch folder; safe to call twice. */
  stop(): Promise<void>;
}

/** The scratch layout: one folder per inn.conf path setting. */
function innPaths(scratch: string) {
  const spool = join(scratch, 'spool');
  return {
    pathetc: join(scratch, 'etc'),
    pathdb: join(scratch, 'db'),
    pathrun: join(scratch, 'run'),
    pathlog: join(scratch, 'log'),
    pathhttp: join(scratch, 'http'),
    pathspool: spool,
    patharticles: join(spool, 'articles'),
    pathoverview: join(spool, 'overview'),
    pathincoming: join(spool, 'incoming'),
    pathtmp: join(spool, 'incoming', 'tmp'),
    pathoutgoing: join(spool, 'outgoing'),
    patharchive: join(spool, 'archive'),
  };
}

/**
 * The private inn.conf: the base file with the `settings` replaced or added, and without
 * bindaddress6, so that innd opens only its IPv4 socket on `bindaddress`.
 */
export function privateInnConf(base: string, settings: Readonly<Record<string, string>>): string {
  const remaining = new Map(Object.entries(settings));
  const lines = base.split('\n').flatMap((line) => {
    const key = /^\s*([A-Za-z0-9]+)\s*:/.exec(line)?.[1];
    if (key === undefined) return [line];
    if (key === 'bindaddress6') return [];
    const value = remaining.get(key);
    if (value === undefined) return [line];
    remaining.delete(key);
    return [`${key}: ${value}`];
  });
  return [...lines, ...[...remaining].map(([key, value]) => `${key}: ${value}`), ''].join('\n');
}

/** The groups innd needs, and nothing more; the benchmark group is added with ctlinnd. */
const ACTIVE = [
  'control 0000000000 0000000001 n',
  'control.cancel 0000000000 0000000001 n',
  'junk 0000000000 0000000001 n',
  '',
].join('\n');

/** No outgoing feeds and no channel programs: the ME entry alone. */
const NEWSFEEDS = 'ME:!*/!local::\n';

async function prepareInstance(
  scratch: string,
  port: number,
  baseConf: string,
  news: Account,
): Promise<string> {
  const paths = innPaths(scratch);
  for (const dir of Object.values(paths)) await mkdir(dir, { recursive: true });
  // The other configuration files innd reads (incoming.conf, storage.conf, ...) are
  // Debian's, copied so that nothing outside the scratch folder is written or locked.
  await runCommand('cp', ['-a', `${dirname(baseConf)}/.`, paths.pathetc]);
  const innConf = join(paths.pathetc, 'inn.conf');
  await writeFile(
    innConf,
    privateInnConf(await readFile(baseConf, 'utf8'), {
      ...paths,
      port: String(port),
      bindaddress: '127.0.0.1',
      pathhost: 'mt2-bench.localhost',
      domain: 'localdomain',
    }),
  );
  await writeFile(join(paths.pathetc, 'newsfeeds'), NEWSFEEDS);
  const db = paths.pathdb;
  await writeFile(join(db, 'active'), ACTIVE);
  for (const name of ['active.times', 'history', 'newsgroups']) await writeFile(join(db, name), '');
  await chownTree(scratch, news);
  return innConf;
}

/**
 * Starts a private innd and creates BENCH_NEWSGROUP. Fails with PEER_NOT_INSTALLED when
 * INN2 is missing, PEER_START_FAILED or PEER_TIMEOUT when innd does not come up; the
 * scratch folder is removed on failure.
 */
export async function startInn(options: InnOptions = {}): Promise<InnServer> {
  const binDir = options.binDir ?? DEBIAN_INN_BIN_DIR;
  const innd = join(binDir, 'innd');
  const ctlinnd = join(binDir, 'ctlinnd');
  await requireExecutables([innd, ctlinnd, join(binDir, 'makedbz')]);
  const news = await systemAccount('news');
  const port = await freeLoopbackPort();
  const scratchDir = await makeScratch('mt2-inn-');
  let daemon: Daemon | undefined;
  let innConf = '';
  const ctl = (args: readonly string[]) =>
    runCommand(ctlinnd, ['-t', '10', ...args], { env: { INNCONF: innConf }, as: news });
  const stop = async (): Promise<void> => {
    if (daemon?.isRunning() === true) {
      await ctl(['shutdown', 'benchmark done']).catch(() => undefined);
      await daemon.stop('SIGTERM', 10_000);
    }
    await removeScratch(scratchDir);
  };
  try {
    innConf = await prepareInstance(scratchDir, port, options.baseConf ?? DEBIAN_INN_CONF, news);
    await runCommand(join(binDir, 'makedbz'), ['-i', '-o'], {
      env: { INNCONF: innConf },
      as: news,
    });
    daemon = new Daemon('innd', innd, ['-f'], {
      env: { INNCONF: innConf },
      as: news,
      cwd: scratchDir,
    });
    // innd greets 200 (or 201) once ready.
    await waitForGreeting(daemon, port, '20', options.startTimeoutMs ?? 20_000);
    await ctl(['newgroup', BENCH_NEWSGROUP, 'y', 'mt2-bench']);
  } catch (error) {
    await stop();
    throw error;
  }

  const runId = newRunId();
  let sent = 0;
  const sendPrepared = (articles: readonly NntpArticle[], window?: number) =>
    streamArticles({ port, articles, ...(window === undefined ? {} : { window }) });
  return {
    port,
    newsgroup: BENCH_NEWSGROUP,
    scratchDir,
    sendPrepared,
    sendArticles: async ({ count, bodyBytes, window }) => {
      checkRun(count, bodyBytes);
      const articles = Array.from({ length: count }, (_, offset) => {
        const message = benchMessage(sent + offset, bodyBytes, runId);
        return {
          messageId: message.messageId,
          text: formatRfc5322(message, [
            ['Path', 'mt2-bench-feeder!not-for-mail'],
            ['Newsgroups', BENCH_NEWSGROUP],
          ]),
        };
      });
      sent += count;
      return await sendPrepared(articles, window);
    },
    stop,
  };
}
