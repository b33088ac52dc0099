import { join } from 'node:path';
import { CliUsageError, type CliCommand, type CliIo } from '../command.ts';
import {
  MAX_MBOX_BYTES,
  MAX_RFC5322_BYTES,
  MessageError,
  mt2ToRfc5322,
  rfc5322ToMt2,
  splitMbox,
  type Mt2Message,
} from '../../message/index.ts';
import {
  CommandFailure,
  MESSAGE_FILES,
  readLimited,
  readMessageDir,
  writeAllOrNothing,
  writeMessageDir,
} from './message-dir.internal.ts';

/** Runs a command body; a MessageError or CommandFailure becomes one line on stderr and exit 1. */
async function reporting(command: string, io: CliIo, work: () => Promise<string>): Promise<number> {
  try {
    io.out(await work());
    return 0;
  } catch (error) {
    if (error instanceof MessageError || error instanceof CommandFailure) {
      io.err(`mt2 ${command}: ${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function twoArguments(args: readonly string[], first: string, second: string): [string, string] {
  const [a, b, ...rest] = args;
  if (a === undefined || b === undefined || rest.length > 0)
    throw new CliUsageError(`needs ${first} and ${second}`);
  return [a, b];
}

/** `mt2 import-eml FILE.eml DIR`: an RFC 5322 message to the three MT2 objects. */
export const importEml: CliCommand = {
  name: 'import-eml',
  summary: 'map an .eml file to DIR/envelope.xml, headers.xml, body.mime',
  usage: [
    'usage: mt2 import-eml FILE.eml DIR',
    '',
    `Maps FILE.eml to the three MT2 objects and writes DIR/${MESSAGE_FILES.envelope},`,
    `DIR/${MESSAGE_FILES.headers} and DIR/${MESSAGE_FILES.body} (DIR is created if needed).`,
    'Existing files are never replaced; on any error nothing is written.',
  ].join('\n'),
  run(args, io) {
    const [file, dir] = twoArguments(args, 'FILE.eml', 'DIR');
    return reporting('import-eml', io, async () => {
      const message = rfc5322ToMt2(await readLimited(file, MAX_RFC5322_BYTES));
      await writeMessageDir(dir, message);
      return `imported ${file} as ${message.envelope.messageId} into ${dir}`;
    });
  },
};

/** `mt2 export-eml DIR FILE.eml`: the three MT2 objects back to an RFC 5322 message. */
export const exportEml: CliCommand = {
  name: 'export-eml',
  summary: 'write the message in DIR back as an .eml file',
  usage: [
    'usage: mt2 export-eml DIR FILE.eml',
    '',
    `Reads DIR/${MESSAGE_FILES.envelope}, DIR/${MESSAGE_FILES.headers} and DIR/${MESSAGE_FILES.body},`,
    'checks them, and writes the RFC 5322 message to FILE.eml (never replacing a file).',
  ].join('\n'),
  run(args, io) {
    const [dir, file] = twoArguments(args, 'DIR', 'FILE.eml');
    return reporting('export-eml', io, async () => {
      const message: Mt2Message = await readMessageDir(dir);
      const octets = mt2ToRfc5322(message);
      await writeAllOrNothing([{ path: file, bytes: octets }]);
      return `exported ${message.envelope.messageId} to ${file} (${octets.byteLength} bytes)`;
    });
  },
};

/** `mt2 import-mbox FILE.mbox DIR`: each message of an mbox to DIR/NNNNNN/. */
export const importMbox: CliCommand = {
  name: 'import-mbox',
  summary: 'map every message of an mbox file to DIR/000001/, DIR/000002/, ...',
  usage: [
    'usage: mt2 import-mbox FILE.mbox DIR',
    '',
    'Splits FILE.mbox (RFC 4155, mboxrd quoting) and imports each message as import-eml',
    'does, into numbered folders under DIR. All messages are mapped before anything is written.',
  ].join('\n'),
  run(args, io) {
    const [file, dir] = twoArguments(args, 'FILE.mbox', 'DIR');
    return reporting('import-mbox', io, async () => {
      const entries = splitMbox(await readLimited(file, MAX_MBOX_BYTES));
      const messages = entries.map((entry) =>
        rfc5322ToMt2(
          entry.message,
          entry.separatorSender.includes('@') ? { sender: entry.separatorSender } : {},
        ),
      );
      for (const [index, message] of messages.entries()) {
        await writeMessageDir(join(dir, String(index + 1).padStart(6, '0')), message);
      }
      return `imported ${messages.length} message(s) from ${file} into ${dir}`;
    });
  },
};
