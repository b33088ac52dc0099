// A message stored as three files in one folder, one per MT2 object.
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decodeEnvelope,
  decodeHeaders,
  encodeEnvelope,
  encodeHeaders,
  MAX_BODY_BYTES,
  MAX_XML_BYTES,
  type Mt2Message,
} from '../../message/index.ts';

/** The file names of the three objects inside a message folder. */
export const MESSAGE_FILES = {
  envelope: 'envelope.xml',
  headers: 'headers.xml',
  body: 'body.mime',
} as const;

/** A failure the command reports in one line and exits 1 for; `code` is stable. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
  constructor(
    readonly code: 'FILE_UNREADABLE' | 'FILE_TOO_LARGE' | 'FILE_EXISTS',
    message: string,
  ) {
    super(message);
  }
}

/** Reads a whole file after checking its size, so a huge file is refused unread. */
export async function readLimited(path: string, maxBytes: number): Promise<Uint8Array> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CommandFailure('FILE_UNREADABLE', `${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof CommandFailure) throw error;
    throw new CommandFailure(
      'FILE_UNREADABLE',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  if (size > maxBytes)
    throw new CommandFailure('FILE_TOO_LARGE', `${path} has ${size} bytes, more than ${maxBytes}`);
  return new Uint8Array(await readFile(path));
}

/**
 * Writes files all or nothing: each goes to a temporary name first, and only when
 * all are written are they renamed into place. An existing target is never replaced.
 */
export async function writeAllOrNothing(
  files: readonly { path: string; bytes: Uint8Array }[],
): Promise<void> {
  for (const { path } of files) {
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists) throw new CommandFailure('FILE_EXISTS', `${path} already exists; not replacing it`);
  }
  const temporary = files.map(({ path }) => `${path}.${process.pid}.tmp`);
  try {
    for (const [index, { bytes }] of files.entries()) {
      const handle = await open(temporary[index] ?? '', 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const [index, { path }] of files.entries()) await rename(temporary[index] ?? '', path);
  } catch (error) {
    await Promise.all(temporary.map((path) => rm(path, { force: true })));
    throw error;
  }
}

/** Encodes the message (which may fail) and only then writes the folder's three files. */
export async function writeMessageDir(dir: string, message: Mt2Message): Promise<void> {
  const envelope = encodeEnvelope(message.envelope);
  const headers = encodeHeaders(message.headers);
  await mkdir(dir, { recursive: true });
  await writeAllOrNothing([
    { path: join(dir, MESSAGE_FILES.envelope), bytes: envelope },
    { path: join(dir, MESSAGE_FILES.headers), bytes: headers },
    { path: join(dir, MESSAGE_FILES.body), bytes: message.body },
  ]);
}

/** Reads and decodes the three files of a message folder. */
export async function readMessageDir(dir: string): Promise<Mt2Message> {
  const [envelope, headers, body] = await Promise.all([
    readLimited(join(dir, MESSAGE_FILES.envelope), MAX_XML_BYTES),
    readLimited(join(dir, MESSAGE_FILES.headers), MAX_XML_BYTES),
    readLimited(join(dir, MESSAGE_FILES.body), MAX_BODY_BYTES),
  ]);
  return { envelope: decodeEnvelope(envelope), headers: decodeHeaders(headers), body };
}
