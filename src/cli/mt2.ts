import { dispatch, processIo, type CliIo } from './command.ts';
import { MT2_COMMANDS } from './commands/index.ts';

/** The `mt2` tool: message import/export, certificates, CMS. Resolves to the exit code. */
export function main(args: readonly string[], io: CliIo = processIo): Promise<number> {
  return dispatch('mt2', MT2_COMMANDS, args, io);
}
