import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A real dnsmasq (Debian package dnsmasq) answering on a free loopback port. */
export interface DnsServer {
  /** `127.0.0.1:PORT`, for Resolver.setServers. */
  readonly address: string;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) =>
    socket.close(() => {
      resolve();
    }),
  );
  return port;
}

/**
 * Starts dnsmasq with the given record options (e.g. `--srv-host=...`, `--txt-record=...`)
 * and no other data source, and waits until it answers. It is authoritative for `.test`
 * (`--local=/test/`), so unknown names there get NXDOMAIN rather than REFUSED.
 */
export async function startDnsmasq(records: readonly string[]): Promise<DnsServer> {
  const port = await freeUdpPort();
  const child = spawn(
    'dnsmasq',
    [
      '--no-daemon',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--user=root',
      '--local=/test/',
      ...records,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) => {
      reject(new Error(`dnsmasq could not start (apt-get install dnsmasq): ${error.message}`));
    });
    child.once('exit', (code) => {
      reject(new Error(`dnsmasq exited with ${code}: ${stderr}`));
    });
  });
  const address = `127.0.0.1:${port}`;
  const probe = new Resolver({ timeout: 200, tries: 1 });
  probe.setServers([address]);
  const ready = (async () => {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await probe.resolveTxt('probe.invalid');
        return;
      } catch (error) {
        // Any answer (NXDOMAIN, REFUSED, ...) means the server is up; silence does not.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ETIMEOUT' && code !== 'ECONNREFUSED') return;
      }
      await sleep(50);
    }
    throw new Error(`dnsmasq did not answer on ${address}: ${stderr}`);
  })();
  failed.catch(() => undefined);
  try {
    await Promise.race([ready, failed]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    address,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
