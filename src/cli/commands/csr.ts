import { createCsr, generateRsaPrivateKey } from '../../identity/index.ts';
import type { CliCommand } from '../command.ts';
import {
  KEY_OUTPUT_OPTIONS,
  keyProtection,
  parseOptions,
  reportFailures,
  requiredOption,
  stringOption,
  writeOutput,
  writePrivateKey,
} from './identity-files.internal.ts';

const USAGE = `usage:
  mt2 csr --address USER@DOMAIN [--name DISPLAY] --out-csr REQUEST.csr --out-key USER.key
          (--passout SPEC | --nodes)

Makes the user's RSA-2048 key and a PKCS#10 request for the address, on the user's own
machine: the key stays here (encrypted PKCS#8 with --passout), the request goes to the
CA ('mt2 ca sign'). SPEC is pass:TEXT, env:VAR or file:PATH.`;

/** `mt2 csr`: a user's key and certificate signing request, made where the user is. */
export const csrCommand: CliCommand = {
  name: 'csr',
  summary: "make a user's key and certificate request",
  usage: USAGE,
  run(args, io) {
    return reportFailures('mt2 csr', io, async () => {
      const { values } = parseOptions(args, {
        address: { type: 'string' },
        name: { type: 'string' },
        'out-csr': { type: 'string' },
        'out-key': { type: 'string' },
        ...KEY_OUTPUT_OPTIONS,
      });
      const protection = await keyProtection(values);
      const address = requiredOption(values, 'address');
      const [csrPath, keyPath] = [
        requiredOption(values, 'out-csr'),
        requiredOption(values, 'out-key'),
      ];
      const displayName = stringOption(values, 'name');
      const privateKey = await generateRsaPrivateKey();
      const csr = createCsr(privateKey, {
        address,
        ...(displayName === undefined ? {} : { displayName }),
      });
      await writePrivateKey(keyPath, privateKey, protection);
      await writeOutput(csrPath, csr);
      io.out(`request for ${address} written; keep the key, send the request to the CA`);
      return 0;
    });
  },
};
