// mt2d against its peers, in one run: 10,000 messages (4 KiB bodies) sent pipelined into
// a real `mt2d serve` process over TLS and stored durably (each part fsynced, group
// commit, a signed trace entry per message), beside the same number of articles streamed
// into INN2 with TAKETHIS and smtp-source's messages into smtp-sink.
//
// Run: npm run bench:server [-- --count 10000 --body-bytes 4096 --window 100]
// Needs the Debian packages of bench/peers/setup.sh (INN2, postfix).
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signMessage } from '../src/identity/index.ts';
import { encodeEnvelope, encodeHeaders } from '../src/message/index.ts';
import { option, type MessageParts } from '../src/protocol/index.ts';
import { parseConfig, writeConfig } from '../src/server/index.ts';
import {
  connectUser,
  initMt2dDir,
  makeUser,
  startMt2dProcess,
  type TestUser,
} from '../test/helpers/mt2d-process.ts';
import {
  DEFAULT_TAKETHIS_WINDOW,
  benchMessage,
  checkRun,
  checkWindow,
  formatTable,
  newRunId,
  runInn,
  runSmtpSink,
} from './peers/index.ts';

interface Row {
  readonly peer: string;
  readonly work: string;
  readonly ok: number;
  readonly elapsedMs: number;
  /**
   * CPU the server spent, all its threads and its event-loop thread alone, and the CPU of
   * this process, the client (mt2d only).
   */
  readonly cpuMs?: {
    readonly process: number;
    readonly eventLoop: number;
    readonly client: number;
  };
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** CPU time (user + system) of a thread of `pid`, or of the whole process, from /proc. */
async function cpuMsOf(pid: number, thread?: number): Promise<number> {
  const path = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
  const stat = await readFile(path, 'utf8');
  // Fields after the command name (which may hold blanks): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** The CPU of mt2d (process, event-loop thread) so far. */
async function serverCpu(pid: number) {
  return { process: await cpuMsOf(pid), eventLoop: await cpuMsOf(pid, pid) };
}

function settings() {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '10000' },
      'body-bytes': { type: 'string', default: '4096' },
      window: { type: 'string', default: String(DEFAULT_TAKETHIS_WINDOW) },
      /** A folder for a CPU profile of the mt2d process (node --cpu-prof). */
      profile: { type: 'string' },
    },
  });
  const count = Number(values.count);
  const bodyBytes = Number(values['body-bytes']);
  const window = Number(values.window);
  checkRun(count, bodyBytes);
  checkWindow(window);
  return { count, bodyBytes, window, profileDir: values.profile };
}

/** The same messages the peers get, as signed MT2 messages from alice to bob. */
function mt2Messages(alice: TestUser, count: number, bodyBytes: number) {
  const runId = newRunId();
  const messages: { msgId: string; parts: Required<MessageParts> }[] = [];
  for (let i = 0; i < count; i++) {
    const legacy = benchMessage(i, bodyBytes, runId);
    const msgId = legacy.messageId.slice(1, -1);
    const headers = encodeHeaders({
      fields: [
        { kind: 'from', mailboxes: [{ address: alice.address }] },
        { kind: 'to', addresses: [{ address: 'bob@alpha.test' }] },
        { kind: 'subject', text: legacy.subject },
        { kind: 'date', date: legacy.date },
        { kind: 'messageId', id: msgId },
      ],
      extensions: [],
    });
    const body = Buffer.concat([
      Buffer.from('Content-Type: text/plain; charset=us-ascii\r\n\r\n'),
      legacy.body,
    ]);
    const envelope = signMessage(
      {
        envelope: {
          messageId: msgId,
          sender: alice.address,
          recipients: ['bob@alpha.test'],
          control: false,
          trace: [],
          extensions: [],
        },
        headers,
        body,
      },
      alice.credentials,
    );
    messages.push({ msgId, parts: { envelope: encodeEnvelope(envelope), headers, body } });
  }
  return messages;
}

/**
 * A window of `window` messages: each message is three XFERs (envelope, headers, body),
 * so both sides allow 3 * window + 1 requests in flight (TAKETHIS is one per article).
 */
async function benchMt2d(
  count: number,
  bodyBytes: number,
  window: number,
  profileDir: string | undefined,
): Promise<Row> {
  const maxInFlight = 3 * window + 1;
  const alpha = await initMt2dDir('alpha.test');
  try {
    const alice = await makeUser(alpha.dir, 'alice@alpha.test');
    await makeUser(alpha.dir, 'bob@alpha.test');
    const configPath = join(alpha.dir, 'mt2d.json');
    const config = parseConfig(JSON.parse(await readFile(configPath, 'utf8')));
    await writeConfig(configPath, { ...config, limits: { ...config.limits, maxInFlight } });
    const messages = mt2Messages(alice, count, bodyBytes);
    const server = await startMt2dProcess(alpha.dir, {
      nodeOptions: profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir],
    });
    try {
      const { session } = await connectUser(server, alice, {
        hostname: alpha.hostname,
        limits: { maxInFlight },
      });
      const opt = await session.opt([option('PIPE', 'ON')]);
      if (!opt.ok) throw new Error(`PIPE refused: ${opt.code}`);
      const cpuBefore = await serverCpu(server.pid);
      const clientBefore = process.cpuUsage();
      const started = performance.now();
      const results = await Promise.all(
        messages.map((message) => session.transferMessage(message.msgId, message.parts)),
      );
      const elapsedMs = performance.now() - started;
      const client = process.cpuUsage(clientBefore);
      const cpuAfter = await serverCpu(server.pid);
      const cpuMs = {
        process: cpuAfter.process - cpuBefore.process,
        eventLoop: cpuAfter.eventLoop - cpuBefore.eventLoop,
        client: (client.user + client.system) / 1000,
      };
      await session.quit();
      const ok = results.filter((result) => result.committed).length;
      const work = `MT2 TLS, PIPE, window ${window}, fsync`;
      return { peer: 'mt2d', work, ok, elapsedMs, cpuMs };
    } finally {
      await server.stop();
    }
  } finally {
    await alpha.remove();
  }
}

async function benchInn(count: number, bodyBytes: number, window: number): Promise<Row> {
  const { ok, elapsedMs } = await runInn({ count, bodyBytes, window });
  return { peer: 'INN2 innd', work: `NNTP TAKETHIS, window ${window}`, ok, elapsedMs };
}

async function benchSmtp(count: number, bodyBytes: number): Promise<Row> {
  const { ok, elapsedMs } = await runSmtpSink({ count, bodyBytes });
  return { peer: 'smtp-sink', work: 'SMTP smtp-source, 1 conn', ok, elapsedMs };
}

function print(rows: readonly Row[], count: number): void {
  const rate = (row: Row) => count / (row.elapsedMs / 1000);
  const mt2d = rows[0];
  const lines = rows.map((row) => [
    row.peer,
    row.work,
    `${row.ok}/${count}`,
    (row.elapsedMs / 1000).toFixed(2),
    Math.round(rate(row)).toLocaleString('en-US'),
    mt2d === undefined ? '' : (rate(mt2d) / rate(row)).toFixed(2),
  ]);
  const header = ['peer', 'work', 'ok', 'seconds', 'messages/s', 'mt2d ÷ this'];
  for (const line of formatTable(header, lines)) console.log(line);
  if (mt2d?.cpuMs !== undefined) {
    const perMessage = (ms: number) => (ms / count).toFixed(3);
    console.log(
      `mt2d CPU per message: ${perMessage(mt2d.cpuMs.process)} ms (all threads), ` +
        `${perMessage(mt2d.cpuMs.eventLoop)} ms (event-loop thread); ` +
        `the client (this process): ${perMessage(mt2d.cpuMs.client)} ms`,
    );
  }
}

try {
  const { count, bodyBytes, window, profileDir } = settings();
  console.log(`bench:server: ${count} messages, ${bodyBytes}-byte bodies, loopback`);
  const rows = [
    await benchMt2d(count, bodyBytes, window, profileDir),
    await benchInn(count, bodyBytes, window),
    await benchSmtp(count, bodyBytes),
  ];
  print(rows, count);
  if (rows.some((row) => row.ok !== count)) {
    console.error('bench:server: a server did not accept every message (see "ok")');
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`bench:server failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
