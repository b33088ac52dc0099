import type { CliCommand } from '../command.ts';
import { exportEml, importEml, importMbox } from './eml.ts';
import { certCommand } from './cert.ts';
import { caCommand } from './ca.ts';
import { cmsCommand } from './cms.ts';
import { csrCommand } from './csr.ts';
import { p12Command } from './p12.ts';

/**
 * The subcommands of `mt2`. Each lives in its own module beside this one and is
 * listed here once.
 */
export const MT2_COMMANDS: readonly CliCommand[] = [
  importEml,
  exportEml,
  importMbox,
  certCommand,
  caCommand,
  csrCommand,
  cmsCommand,
  p12Command,
];
