// Process, port and scratch-folder plumbing shared by the peer modules.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chmod, chown, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PeerError } from './errors.ts';

/** How much of a peer's output is kept for error messages, in bytes. */
const OUTPUT_TAIL_BYTES = 4096;
/** Longest greeting line read from a starting peer, in bytes (NNTP's and IMAP's are short). */
const MAX_GREETING_BYTES = 1024;

/** Fails with PEER_NOT_INSTALLED unless every path is an executable file. */
export async function requireExecutables(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    try {
      await access(path, constants.X_OK);
    } catch {
      throw new PeerError(
        'PEER_NOT_INSTALLED',
        `${path} is missing: run \`sudo bash bench/peers/setup.sh\` to install the benchmark peers`,
      );
    }
  }
}

/** A numeric user and group id. */
export interface Account {
  readonly uid: number;
  readonly gid: number;
}

/** Reads a field-separated system database (/etc/passwd, /etc/group) and finds `name`. */
async function lookUp(database: string, name: string): Promise<string[]> {
  const text = await readFile(database, 'utf8');
  const fields = text
    .split('\n')
    .map((line) => line.split(':'))
    .find((entry) => entry[0] === name);
  if (fields === undefined) {
    throw new PeerError(
      'PEER_NOT_INSTALLED',
      `no "${name}" in ${database}: run bench/peers/setup.sh`,
    );
  }
  return fields;
}

/** The uid of user `userName` and the gid of group `groupName` (default: the user's group). */
export async function systemAccount(userName: string, groupName?: string): Promise<Account> {
  const user = await lookUp('/etc/passwd', userName);
  const gid = groupName === undefined ? user[3] : (await lookUp('/etc/group', groupName))[2];
  return { uid: Number(user[2]), gid: Number(gid) };
}

/** Changes the owner of `dir` and of everything under it. */
export async function chownTree(dir: string, owner: Account): Promise<void> {
  await chown(dir, owner.uid, owner.gid);
  for (const entry of await readdir(dir, { recursive: true })) {
    await chown(join(dir, entry), owner.uid, owner.gid);
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') {
    throw new PeerError('PEER_START_FAILED', 'could not pick a free loopback port');
  }
  return address.port;
}

/**
 * Creates a scratch folder under os.tmpdir() that the peers' unprivileged users (news,
 * nobody, dovenull) may enter: mode 0755. Fails with PEER_START_FAILED if they could not
 * reach it because a folder above it is closed to others (e.g. TMPDIR under /root).
 */
export async function makeScratch(prefix: string): Promise<string> {
  const parent = resolve(tmpdir());
  for (let dir = parent; ; dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) {
      throw new PeerError(
        'PEER_START_FAILED',
        `the peers run as unprivileged users and cannot enter ${dir} (above the temp folder ${parent}): set TMPDIR=/tmp`,
      );
    }
    if (dir === dirname(dir)) break;
  }
  const dir = await mkdtemp(join(parent, prefix));
  await chmod(dir, 0o755);
  return dir;
}

/** Removes a scratch folder and everything in it. */
export async function removeScratch(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Keeps the last OUTPUT_TAIL_BYTES of a stream's output. */
class OutputTail {
  private text = '';

  append(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
  }

  toString(): string {
    return this.text.trim();
  }
}

/** What to run a program as and with. */
export interface RunOptions {
  /** Extra environment variables, added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Run as this user and group instead of the current one. */
  readonly as?: Account;
  /** Working folder (default: the current one). */
  readonly cwd?: string;
}

function spawnWith(file: string, args: readonly string[], options: RunOptions): ChildProcess {
  return spawn(file, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.as === undefined ? {} : { uid: options.as.uid, gid: options.as.gid }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
}

/** A long-running peer process, with its recent output kept for error messages. */
export class Daemon {
  private readonly child: ChildProcess;
  private readonly output = new OutputTail();
  /** Settles when the process has exited (or failed to start); never rejects. */
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    file: string,
    args: readonly string[],
    options: RunOptions = {},
  ) {
    this.child = spawnWith(file, args, options);
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.output.append(chunk);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.output.append(chunk);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => {
        resolve();
      });
      this.child.once('error', (error) => {
        this.output.append(Buffer.from(error.message));
        resolve();
      });
    });
  }

  /** True while the process runs. */
  isRunning(): boolean {
    return (
      this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined
    );
  }

  /** The process's output so far (its last OUTPUT_TAIL_BYTES). */
  get recentOutput(): string {
    return this.output.toString();
  }

  /** Sends `signal`, waits up to `graceMs` for the exit, then kills the process outright. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
    if (!this.isRunning()) return;
    this.child.kill(signal);
    await this.waitForExit(graceMs);
    if (this.isRunning()) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Waits up to `timeoutMs` for the process to exit on its own; true if it did. */
  async waitForExit(timeoutMs: number): Promise<boolean> {
    // Unreferenced: a pending grace timer must not keep the process alive.
    const timer = sleep(timeoutMs, false, { ref: false });
    return Promise.race([this.exited.then(() => true), timer]);
  }
}

/**
 * Runs a program to completion; fails with PEER_COMMAND_FAILED, quoting the end of its
 * output, if it exits non-zero or runs longer than `timeoutMs` (default 30,000).
 */
export async function runCommand(
  file: string,
  args: readonly string[],
  options: RunOptions & { readonly timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawnWith(file, args, options);
  const output = new OutputTail();
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output.append(chunk);
    });
  }
  const outcome = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, error });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code });
    });
  });
  if (outcome.code !== 0) {
    const why =
      outcome.error?.message ??
      (outcome.code === null ? `killed after ${timeoutMs} ms` : `exit ${outcome.code}`);
    throw new PeerError(
      'PEER_COMMAND_FAILED',
      `${file} ${args.join(' ')} failed (${why}): ${output.toString()}`,
    );
  }
}

/** Reads the first line a server sends on a new connection; rejects on any socket error. */
function readGreeting(port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setTimeout(timeoutMs, () => {
      socket.destroy(new Error('no greeting'));
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\n');
      if (end >= 0) {
        socket.destroy();
        resolve(received.slice(0, end).trimEnd());
      } else if (received.length > MAX_GREETING_BYTES) {
        socket.destroy(new Error(`greeting longer than ${MAX_GREETING_BYTES} bytes`));
      }
    });
    socket.once('error', reject);
    socket.once('close', () => {
      reject(new Error('closed before the greeting'));
    });
  });
}

/**
 * Waits until the daemon greets on 127.0.0.1:`port` with a line starting with
 * `expectedPrefix`. Fails with PEER_START_FAILED if the daemon exits or greets otherwise,
 * and with PEER_TIMEOUT after `timeoutMs`.
 */
export async function waitForGreeting(
  daemon: Daemon,
  port: number,
  expectedPrefix: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'not tried';
  while (Date.now() < deadline) {
    if (!daemon.isRunning()) {
      throw new PeerError(
        'PEER_START_FAILED',
        `${daemon.name} exited while starting: ${daemon.recentOutput || '(no output)'}`,
      );
    }
    try {
      const greeting = await readGreeting(port, Math.max(deadline - Date.now(), 1));
      if (greeting.startsWith(expectedPrefix)) return;
      throw new PeerError(
        'PEER_START_FAILED',
        `${daemon.name} greeted with "${greeting}", expected "${expectedPrefix}..."`,
      );
    } catch (error) {
      if (error instanceof PeerError) throw error;
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await sleep(50);
  }
  throw new PeerError(
    'PEER_TIMEOUT',
    `${daemon.name} did not greet on 127.0.0.1:${port} within ${timeoutMs} ms (${lastProblem}): ${daemon.recentOutput}`,
  );
}
