import { initServerDirectory } from '../../server/index.ts';
import type { CliCommand } from '../command.ts';
import { reportDaemonFailures } from './mt2d-failures.internal.ts';
import { parseOptions, requiredOption, stringOption } from './identity-files.internal.ts';

const USAGE = `usage: mt2d init --dir DIR --domain DOMAIN [--hostname HOST]

Creates the data directory DIR: mt2d.json (the configuration, docs/mt2d.md), the domain
CA, the host certificate for HOST (default mt2.DOMAIN) and the mt2d@DOMAIN process
certificate that signs error reports. Refuses a directory that already has mt2d.json.`;

/** `mt2d init`. */
export const mt2dInit: CliCommand = {
  name: 'init',
  summary: 'create a data directory: configuration, domain CA, host certificate',
  usage: USAGE,
  run(args, io) {
    const { values } = parseOptions(args, {
      dir: { type: 'string' },
      domain: { type: 'string' },
      hostname: { type: 'string' },
    });
    const dir = requiredOption(values, 'dir');
    const domain = requiredOption(values, 'domain');
    const hostname = stringOption(values, 'hostname');
    return reportDaemonFailures('mt2d init', io, async () => {
      await initServerDirectory({ dir, domain, ...(hostname === undefined ? {} : { hostname }) });
      io.out(`initialised ${dir} for ${domain}`);
      return 0;
    });
  },
};
