/** Where a command writes; tests pass their own to capture output. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** One subcommand of a CLI tool: `mt2 <name> ...args`. */
export interface CliCommand {
  readonly name: string;
  /** One line for the tool's help listing. */
  readonly summary: string;
  /** Full usage text, printed on `--help` and on a usage error. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code (0 success, 1 failure). */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Thrown by a command when its arguments are wrong; the dispatcher prints usage. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/**
 * Runs `args` against a table of commands: help, unknown commands and usage errors
 * are handled here so that each command only does its job.
 */
export async function dispatch(
  tool: string,
  commands: readonly CliCommand[],
  args: readonly string[],
  io: CliIo,
): Promise<number> {
  const [name, ...rest] = args;
  const listing = () =>
    [`usage: ${tool} <command> [args]`, '', 'commands:']
      .concat(commands.map((command) => `  ${command.name.padEnd(14)} ${command.summary}`))
      .join('\n');
  if (name === undefined || name === '--help' || name === 'help') {
    (name === undefined ? io.err : io.out)(listing());
    return name === undefined ? 1 : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.err(`${tool}: unknown command '${name}'\n\n${listing()}`);
    return 1;
  }
  if (rest.includes('--help')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`${tool} ${name}: ${error.message}\n\n${command.usage}`);
      return 1;
    }
    throw error;
  }
}
