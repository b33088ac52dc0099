import {
  jsonLinesLog,
  startServer,
  type RunningServer,
  type ServerLog,
} from '../../server/index.ts';
import { CliUsageError, type CliCommand } from '../command.ts';
import { reportDaemonFailures } from './mt2d-failures.internal.ts';
import { listOption, parseOptions, requiredOption } from './identity-files.internal.ts';

const USAGE = `usage: mt2d serve --dir DIR --listen HOST:PORT [--route DOMAIN=HOST:PORT ...]

Serves MT2 over TLS on HOST:PORT (port 0: any free port) until SIGTERM or SIGINT, then
ends every session and closes the store. Logs JSON lines on stdout; the first is
{"event":"listening","port":N,...}. --route adds a static route (repeatable).
SIGHUP reloads mt2d.json, trust files, users and lists without ending sessions; a
configuration that does not read is refused ("reload-refused") and the old one stays.`;

/** `HOST:PORT` or `[IPv6]:PORT`, port 0 to 65535 (0: any free port). */
function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || port > 65535) {
    throw new CliUsageError(`--listen '${text}' is not HOST:PORT`);
  }
  return { host, port };
}

/** Resolves on the first SIGTERM or SIGINT. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

/** Reloads on every SIGHUP until `stopped`; each outcome is one log line. */
function reloadOnHangup(server: RunningServer, log: ServerLog): () => void {
  const reload = () => {
    server.reload().then(
      ({ needsRestart, endedSessions }) => {
        log.event('reloaded', { needsRestart: needsRestart.join(','), endedSessions });
      },
      (error: unknown) => {
        const code =
          error instanceof Error && 'code' in error ? String(error.code) : 'RELOAD_FAILED';
        const reason = error instanceof Error ? error.message : String(error);
        log.event('reload-refused', { code, reason });
      },
    );
  };
  process.on('SIGHUP', reload);
  return () => process.off('SIGHUP', reload);
}

/** `mt2d serve`. */
export const mt2dServe: CliCommand = {
  name: 'serve',
  summary: 'serve MT2 until SIGTERM',
  usage: USAGE,
  run(args, io) {
    const { values } = parseOptions(args, {
      dir: { type: 'string' },
      listen: { type: 'string' },
      route: { type: 'string', multiple: true },
    });
    const dir = requiredOption(values, 'dir');
    const listen = parseListen(requiredOption(values, 'listen'));
    const routes = listOption(values, 'route');
    return reportDaemonFailures('mt2d serve', io, async () => {
      const stopped = stopSignal();
      const log = jsonLinesLog((line) => {
        io.out(line);
      });
      const server = await startServer({ dir, listen, routes, log });
      const stopReloading = reloadOnHangup(server, log);
      const signal = await stopped;
      stopReloading();
      log.event('stopping', { signal });
      await server.close();
      return 0;
    });
  },
};
