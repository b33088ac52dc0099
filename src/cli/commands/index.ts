import type { CliCommand } from '../command.ts';
import { cmsCommand } from './cms.ts';
import { p12Command } from './p12.ts';

/**
 * The subcommands of `mt2`. Each lives in its own module beside this one and is
 * listed here once.
 */
export const MT2_COMMANDS: readonly CliCommand[] = [cmsCommand, p12Command];
