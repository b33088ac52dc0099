import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** pgn-extract (Debian package pgn-extract installs it in /usr/games, often off PATH). */
export function findPgnExtract(): string {
  const folders = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/games'];
  for (const folder of folders) {
    const candidate = join(folder, 'pgn-extract');
    if (folder !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error('pgn-extract not found: install the Debian package pgn-extract (.ci/run does)');
}

/** What pgn-extract said about a PGN file. */
export interface PgnReport {
  /** One game, every move replayed, no warning (inconsistent result, failed move, ...). */
  readonly accepted: boolean;
  readonly report: string;
}

/**
 * Runs `pgn-extract -r` (check only) on `pgn`. pgn-extract exits 0 even for a game it
 * cannot replay, so acceptance is read from its report: "1 game matched out of 1."
 * and no warning or error line.
 */
export async function checkPgn(pgn: string): Promise<PgnReport> {
  const folder = await mkdtemp(join(tmpdir(), 'mt2-pgn-'));
  try {
    const file = join(folder, 'game.pgn');
    await writeFile(file, pgn);
    const { stdout, stderr } = await run(findPgnExtract(), ['-r', file]);
    const report = `${stdout}${stderr}`;
    const accepted =
      report.includes('1 game matched out of 1.') &&
      !/warning|failed|inconsistent|error|unknown|illegal/i.test(report);
    return { accepted, report };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
