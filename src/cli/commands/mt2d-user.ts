import { addUser, addUserWithP12, removeUser, renewUser } from '../../server/index.ts';
import { CliUsageError, type CliCommand } from '../command.ts';
import { reportDaemonFailures } from './mt2d-failures.internal.ts';
import {
  parseOptions,
  readInput,
  readPassphrase,
  requiredOption,
  stringOption,
  writeOutput,
} from './identity-files.internal.ts';

const USAGE = `usage:
  mt2d user add --dir DIR ADDRESS --csr REQUEST.csr [--out CERT.pem]
  mt2d user add --dir DIR ADDRESS --p12 OUT.p12 --password-file FILE
  mt2d user renew --dir DIR ADDRESS --csr REQUEST.csr [--out CERT.pem]
  mt2d user remove --dir DIR ADDRESS [--purge]

Registers a local user (a mailbox of this server) and certifies them with the domain
CA. With --csr, the user's own request (made where their key lives, e.g. 'mt2 csr') is
signed; the certificate and the CA certificate are written to --out or printed. With
--p12, a key is made here and the whole identity is written as PKCS#12, protected by
the first line of FILE. 'user renew' certifies a new CSR of an existing user (a new key
or a certificate about to expire); the mailbox stays.

'remove' takes the user's mailbox away: their certificate is refused from then on (a
running mt2d sees it after SIGHUP). The messages stay in the store unless --purge,
which expunges them and needs mt2d stopped.`;

/** Largest CSR read (a CSR is a few KiB). */
const MAX_CSR_BYTES = 64 * 1024;

/** `mt2d user add`. */
export const mt2dUser: CliCommand = {
  name: 'user',
  summary: 'add a local user (certify their CSR, or make a PKCS#12), renew or remove one',
  usage: USAGE,
  run(args, io) {
    const { values, positionals } = parseOptions(args, {
      dir: { type: 'string' },
      csr: { type: 'string' },
      out: { type: 'string' },
      p12: { type: 'string' },
      'password-file': { type: 'string' },
      purge: { type: 'boolean' },
    });
    const [action, address, ...extra] = positionals;
    if (
      (action !== 'add' && action !== 'renew' && action !== 'remove') ||
      address === undefined ||
      extra.length > 0
    ) {
      throw new CliUsageError('expected: user add|renew|remove ADDRESS');
    }
    const dir = requiredOption(values, 'dir');
    const addOnly = ['csr', 'out', 'p12', 'password-file'].filter((name) => name in values);
    if (action === 'remove') {
      if (addOnly.length > 0) {
        throw new CliUsageError(`user remove takes no --${addOnly.join(', --')}`);
      }
      const purge = values['purge'] === true;
      return reportDaemonFailures('mt2d user remove', io, async () => {
        const removed = await removeUser({ dir, address, purge });
        io.out(
          purge
            ? `${removed.address}: removed, ${removed.purged} messages purged`
            : `${removed.address}: removed, mailbox kept`,
        );
        return 0;
      });
    }
    if ('purge' in values) throw new CliUsageError('--purge is for user remove');
    const csr = stringOption(values, 'csr');
    const p12 = stringOption(values, 'p12');
    if ((csr === undefined) === (p12 === undefined)) {
      throw new CliUsageError('give exactly one of --csr and --p12');
    }
    if (action === 'renew' && csr === undefined) {
      throw new CliUsageError('user renew takes --csr');
    }
    const certify = action === 'add' ? addUser : renewUser;
    return reportDaemonFailures(`mt2d user ${action}`, io, async () => {
      if (csr !== undefined) {
        const csrPem = (await readInput(csr, MAX_CSR_BYTES)).toString('utf8');
        const issued = await certify({ dir, address, csrPem });
        const out = stringOption(values, 'out');
        const pem = issued.certificatePem + issued.chainPem;
        if (out === undefined) io.out(pem);
        else await writeOutput(out, pem);
        return 0;
      }
      const password = await readPassphrase(`file:${requiredOption(values, 'password-file')}`);
      const bytes = await addUserWithP12({ dir, address, p12Password: password });
      await writeOutput(p12 ?? '', bytes, true);
      io.out(`${address}: PKCS#12 written to ${p12 ?? ''}`);
      return 0;
    });
  },
};
