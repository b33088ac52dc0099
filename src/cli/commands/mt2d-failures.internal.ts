import { DaemonError, ListHostError, RoutingError, StoreError } from '../../server/index.ts';
import type { CliIo } from '../command.ts';
import { reportFailures } from './identity-files.internal.ts';

/**
 * Runs an mt2d command body: a DaemonError, StoreError, RoutingError or ListHostError is
 * printed as
 * `mt2d <command>: <CODE>: <message>` with exit code 1; identity and file errors as in
 * the `mt2` commands.
 */
export function reportDaemonFailures(
  command: string,
  io: CliIo,
  body: () => Promise<number>,
): Promise<number> {
  return reportFailures(command, io, async () => {
    try {
      return await body();
    } catch (error) {
      if (
        error instanceof DaemonError ||
        error instanceof ListHostError ||
        error instanceof StoreError ||
        error instanceof RoutingError
      ) {
        io.err(`${command}: ${error.code}: ${error.message}`);
        return 1;
      }
      throw error;
    }
  });
}
