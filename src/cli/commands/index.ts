import type { CliCommand } from '../command.ts';
import { exportEml, importEml, importMbox } from './eml.ts';
import { certCommand } from './cert.ts';

/**
 * The subcommands of `mt2`. Each lives in its own module beside this one and is
 * listed here once.
 */
export const MT2_COMMANDS: readonly CliCommand[] = [importEml, exportEml, importMbox, certCommand];
