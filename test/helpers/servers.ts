// Real servers for tests: slapd and dnsmasq on loopback, on free ports,
// started by the test and always stopped afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

/** A started server process. */
export interface RunningServer {
  readonly port: number;
  /** Stops the process (SIGTERM, then SIGKILL after 2 s) and waits for it to exit. */
  readonly stop: () => Promise<void>;
}

/** Finds an executable or fails the test with what to install. */
export function requireTool(path: string, debianPackage: string): string {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    throw new Error(
      `${path} is missing: install the Debian package ${debianPackage} (listed in .ci/run)`,
    );
  }
}

/** A TCP and UDP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => {
          resolve(typeof address === 'object' && address !== null ? address.port : 0);
        });
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => {
        resolve(false);
      });
      socket.bind(port, '127.0.0.1', () => {
        socket.close(() => {
          resolve(true);
        });
      });
    });
    if (udpFree) return port;
  }
  throw new Error('no free port on 127.0.0.1');
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

async function waitFor(
  ready: () => Promise<boolean>,
  child: ChildProcess,
  what: string,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}: ${log()}`);
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not start within 10 s: ${log()}`);
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

function started(
  command: string,
  args: readonly string[],
): { child: ChildProcess; log: () => string } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  return { child, log: () => output };
}

/** FIRS object classes (the draft's names, under the RFC 5612 example enterprise arc). */
const FIRS_SCHEMA = `
objectclass ( 1.3.6.1.4.1.32473.1.1 NAME 'inetResources'
  DESC 'FIRS container of the Internet resources of a domain' SUP top STRUCTURAL MUST cn )
objectclass ( 1.3.6.1.4.1.32473.1.2 NAME 'inetDnsDomain'
  DESC 'FIRS entry for one DNS domain' SUP top STRUCTURAL MUST cn )
`;

/** Starts slapd with one FIRS tree for `domain` holding `caDer` as its cACertificate. */
export async function startSlapd(
  dir: string,
  domain: string,
  caDer: Uint8Array,
): Promise<RunningServer> {
  const slapd = requireTool('/usr/sbin/slapd', 'slapd');
  const slapadd = requireTool('/usr/sbin/slapadd', 'slapd');
  const suffix = domain
    .split('.')
    .map((label) => `dc=${label}`)
    .join(',');
  mkdirSync(join(dir, 'db'), { recursive: true });
  writeFileSync(join(dir, 'firs.schema'), FIRS_SCHEMA);
  const config = join(dir, 'slapd.conf');
  writeFileSync(
    config,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `include ${join(dir, 'firs.schema')}`,
      `pidfile ${join(dir, 'slapd.pid')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'database mdb',
      `suffix "${suffix}"`,
      `rootdn "cn=admin,${suffix}"`,
      `directory ${join(dir, 'db')}`,
      'maxsize 10485760',
      '',
    ].join('\n'),
  );
  const seed = join(dir, 'seed.ldif');
  writeFileSync(
    seed,
    [
      `dn: ${suffix}`,
      'objectClass: dcObject',
      'objectClass: organization',
      `o: ${domain}`,
      `dc: ${domain.split('.')[0] ?? domain}`,
      '',
      `dn: cn=inetResources,${suffix}`,
      'objectClass: inetResources',
      'cn: inetResources',
      '',
      `dn: cn=${domain},cn=inetResources,${suffix}`,
      'objectClass: inetDnsDomain',
      'objectClass: pkiCA',
      `cn: ${domain}`,
      `cACertificate;binary:: ${Buffer.from(caDer).toString('base64')}`,
      '',
    ].join('\n'),
  );
  const add = started(slapadd, ['-f', config, '-l', seed]);
  const addCode = await new Promise<number | null>((resolve) => add.child.once('exit', resolve));
  if (addCode !== 0) throw new Error(`slapadd failed (${addCode}): ${add.log()}`);
  const port = await freePort();
  const server = started(slapd, ['-f', config, '-h', `ldap://127.0.0.1:${port}/`, '-d', '0']);
  const stop = stopper(server.child);
  try {
    await waitFor(() => tcpOpen(port), server.child, 'slapd', server.log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}

/** Starts dnsmasq serving only the given records (no config file, no upstream). */
export async function startDnsmasq(args: readonly string[]): Promise<RunningServer> {
  const dnsmasq = requireTool('/usr/sbin/dnsmasq', 'dnsmasq');
  const port = await freePort();
  const server = started(dnsmasq, [
    '--no-daemon',
    '--conf-file=/dev/null',
    `--port=${port}`,
    '--listen-address=127.0.0.1',
    '--bind-interfaces',
    '--no-resolv',
    '--no-hosts',
    '--pid-file',
    ...args,
  ]);
  const stop = stopper(server.child);
  try {
    await waitFor(() => tcpOpen(port), server.child, 'dnsmasq', server.log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}
