import { addList, addListMembers, listMembers, removeList } from '../../server/index.ts';
import { CliUsageError, type CliCommand } from '../command.ts';
import { reportDaemonFailures } from './mt2d-failures.internal.ts';
import {
  listOption,
  parseOptions,
  requiredOption,
  stringOption,
} from './identity-files.internal.ts';

const USAGE = `usage:
  mt2d list add --dir DIR ADDRESS [--name NAME] [--closed]
  mt2d list remove --dir DIR ADDRESS
  mt2d list members --dir DIR ADDRESS [--add MEMBER ...]

Hosts a mailing list at ADDRESS (an address of this server's domain): its state and a
certificate for the address issued by the domain CA, with which the list signs what it
sends. People subscribe by sending it control messages (docs/extensions.md); a --closed
list takes no subscriptions. 'members' prints one member per line; with --add
(repeatable) the owner adds members by hand, the way into a closed list, and the
members added are printed; a running mt2d sends the next post to them. A running
mt2d picks up added or removed lists when it gets SIGHUP.`;

/** `mt2d list`. */
export const mt2dList: CliCommand = {
  name: 'list',
  summary: 'host a mailing list: add, remove, members (--add to add them)',
  usage: USAGE,
  run(args, io) {
    const { values, positionals } = parseOptions(args, {
      dir: { type: 'string' },
      name: { type: 'string' },
      closed: { type: 'boolean' },
      add: { type: 'string', multiple: true },
    });
    const [action, address, ...extra] = positionals;
    if (address === undefined || extra.length > 0) {
      throw new CliUsageError('expected: list add|remove|members ADDRESS');
    }
    const dir = requiredOption(values, 'dir');
    const command = `mt2d list ${action ?? ''}`;
    switch (action) {
      case 'add':
        return reportDaemonFailures(command, io, async () => {
          const name = stringOption(values, 'name');
          const closed = values['closed'] === true;
          const list = await addList({
            dir,
            address,
            closed,
            ...(name === undefined ? {} : { name }),
          });
          io.out(`${list}: list added${closed ? ' (closed)' : ''}`);
          return 0;
        });
      case 'remove':
        return reportDaemonFailures(command, io, async () => {
          await removeList({ dir, address });
          io.out(`${address}: list removed`);
          return 0;
        });
      case 'members':
        return reportDaemonFailures(command, io, async () => {
          const toAdd = listOption(values, 'add');
          const shown =
            toAdd.length > 0
              ? await addListMembers({ dir, address, members: toAdd })
              : await listMembers({ dir, address });
          for (const member of shown) io.out(member);
          return 0;
        });
      default:
        throw new CliUsageError('expected: list add|remove|members ADDRESS');
    }
  },
};
