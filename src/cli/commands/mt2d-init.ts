import { initServerDirectory } from '../../server/index.ts';
import type { KeyType } from '../../identity/index.ts';
import { CliUsageError, type CliCommand } from '../command.ts';
import { reportDaemonFailures } from './mt2d-failures.internal.ts';
import { parseOptions, requiredOption, stringOption } from './identity-files.internal.ts';

const USAGE = `usage: mt2d init --dir DIR --domain DOMAIN [--hostname HOST] [--key-type ec|rsa]

Creates the data directory DIR: mt2d.json (the configuration, docs/mt2d.md), the domain
CA, the host certificate for HOST (default mt2.DOMAIN) with a key of the given type
(default ec: ECDSA P-256; rsa: RSA-2048) and the mt2d@DOMAIN process certificate that
signs error reports. Refuses a directory that already has mt2d.json.`;

const KEY_TYPES: readonly KeyType[] = ['ec', 'rsa'];

function keyTypeOption(value: string | undefined): KeyType | undefined {
  if (value === undefined) return undefined;
  const keyType = KEY_TYPES.find((type) => type === value);
  if (keyType === undefined)
    throw new CliUsageError(`--key-type must be ec or rsa, not '${value}'`);
  return keyType;
}

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
      'key-type': { type: 'string' },
    });
    const dir = requiredOption(values, 'dir');
    const domain = requiredOption(values, 'domain');
    const hostname = stringOption(values, 'hostname');
    const hostKeyType = keyTypeOption(stringOption(values, 'key-type'));
    return reportDaemonFailures('mt2d init', io, async () => {
      await initServerDirectory({
        dir,
        domain,
        ...(hostname === undefined ? {} : { hostname }),
        ...(hostKeyType === undefined ? {} : { hostKeyType }),
      });
      io.out(`initialised ${dir} for ${domain}`);
      return 0;
    });
  },
};
