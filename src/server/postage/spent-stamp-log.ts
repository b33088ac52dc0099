import { rename, rm } from 'node:fs/promises';
import type { SpentStampStore } from '../../extensions/index.ts';
import { RecordLog } from '../store/record-log.ts';

const SPENT = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Rewrite the log at open when it holds more than this many expired stamps. */
export const COMPACT_AFTER_EXPIRED = 10_000;

export interface SpentStampLogOptions {
  /** What counts as expired at open. Default: the current time. */
  readonly now?: Date;
  /** Rewrite the log when it holds at least this many expired stamps. Default COMPACT_AFTER_EXPIRED. */
  readonly compactAfterExpired?: number;
}

/**
 * mt2d's double-spend store for hashcash postage: every spent stamp is appended to a
 * record log and fsynced before the delivery it paid for is accepted, so a stamp replayed
 * after a restart is still refused. Stamps are forgotten once expired; the log is
 * rewritten at open when expired entries pile up.
 */
export class SpentStampLog implements SpentStampStore {
  readonly #log: RecordLog;
  readonly #spent: Map<string, number>;

  private constructor(log: RecordLog, spent: Map<string, number>) {
    this.#log = log;
    this.#spent = spent;
  }

  /** Opens the log in `dir`, created if missing. */
  static async open(dir: string, options: SpentStampLogOptions = {}): Promise<SpentStampLog> {
    const now = options.now ?? new Date();
    const spent = new Map<string, number>();
    let expired = 0;
    const log = await RecordLog.open(dir, {
      onRecord: ({ payload }) => {
        const { stamp, expiresAt } = JSON.parse(decoder.decode(payload)) as SpentRecord;
        if (expiresAt < now.getTime()) expired++;
        else spent.set(stamp, expiresAt);
      },
    });
    if (expired < (options.compactAfterExpired ?? COMPACT_AFTER_EXPIRED)) {
      return new SpentStampLog(log, spent);
    }

    await log.close();
    const fresh = `${dir}.compacting`;
    await rm(fresh, { recursive: true, force: true });
    const compacted = await RecordLog.open(fresh, { onRecord: () => undefined });
    for (const [stamp, expiresAt] of spent) {
      await compacted.append(SPENT, [encode({ stamp, expiresAt })]);
    }
    await compacted.close();
    await rm(dir, { recursive: true });
    await rename(fresh, dir);
    return SpentStampLog.open(dir, { now });
  }

  async spend(stampText: string, expiresAt: Date): Promise<boolean> {
    const now = Date.now();
    const known = this.#spent.get(stampText);
    if (known !== undefined && known >= now) return false;
    // Claim before the write, so two sessions spending the same stamp at once cannot both win.
    this.#spent.set(stampText, expiresAt.getTime());
    try {
      await this.#log.append(SPENT, [encode({ stamp: stampText, expiresAt: expiresAt.getTime() })]);
      await this.#log.sync();
    } catch (error) {
      this.#spent.delete(stampText);
      throw error;
    }
    return true;
  }

  /** Stamps remembered (not yet expired at open or spent since). */
  get size(): number {
    return this.#spent.size;
  }

  close(): Promise<void> {
    return this.#log.close();
  }
}

interface SpentRecord {
  readonly stamp: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

function encode(record: SpentRecord): Uint8Array {
  return encoder.encode(JSON.stringify(record));
}
