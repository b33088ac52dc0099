import { dispatch, processIo, type CliIo } from './command.ts';
import { mt2dInit } from './commands/mt2d-init.ts';
import { mt2dList } from './commands/mt2d-list.ts';
import { mt2dServe } from './commands/mt2d-serve.ts';
import { mt2dUser } from './commands/mt2d-user.ts';

/** The `mt2d` tool: the MT2 server. Resolves to the exit code. */
export function main(args: readonly string[], io: CliIo = processIo): Promise<number> {
  return dispatch('mt2d', [mt2dInit, mt2dUser, mt2dList, mt2dServe], args, io);
}
