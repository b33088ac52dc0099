import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { readSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { GroupCommit } from './group-commit.ts';
import { StoreError } from './errors.ts';

/*
 * An append-only log of typed records in numbered segment files (00000001.log, ...).
 *
 * Record layout (little-endian):
 *
 *   0      4        5      6          8           12        16
 *   +------+--------+------+----------+-----------+---------+----------------+
 *   | MT2L | version| type | reserved | length    | crc32   | payload ...    |
 *   +------+--------+------+----------+-----------+---------+----------------+
 *
 * crc32 covers bytes 4..12 of the header and the payload. Writes are positional and may
 * run concurrently; `sync()` makes every write issued before it durable (group commit).
 * Recovery scans the segments in order and stops at the first record that is short, has
 * a bad magic, or fails its CRC: everything from there on was never covered by a
 * completed sync (a sync waits for all writes issued before it), so it was never
 * acknowledged, and it is cut off.
 */

const MAGIC = 0x4c32544d; // "MT2L" read as little-endian u32
const VERSION = 1;
export const RECORD_HEADER_BYTES = 16;

/** Largest segment file before a new one is started: 64 MiB. */
export const DEFAULT_MAX_SEGMENT_BYTES = 64 * 1024 * 1024;
/** Largest single record payload: 64 MiB (a part fragment is at most 64 KiB on the wire). */
export const MAX_RECORD_PAYLOAD_BYTES = 64 * 1024 * 1024;
/** Reads up to this size block the event loop briefly instead of using the thread pool. */
const SYNC_READ_MAX_BYTES = 64 * 1024;

/** Where a byte range of the log lives. */
export interface LogLocation {
  readonly segment: number;
  /** Offset in the segment file, in bytes. */
  readonly offset: number;
  readonly length: number;
}

/** A record met while scanning the log at open. `payload` is only valid during the callback. */
export interface ScannedRecord {
  readonly type: number;
  readonly payload: Uint8Array;
  /** The payload's location. */
  readonly location: LogLocation;
}

export interface RecordLogOptions {
  /** Called for each intact record, in log order, before open() resolves. */
  readonly onRecord: (record: ScannedRecord) => void;
  /** Bytes per segment before rolling over. Default DEFAULT_MAX_SEGMENT_BYTES. */
  readonly maxSegmentBytes?: number;
}

/** What recovery found at open. */
export interface RecoveryReport {
  readonly records: number;
  /** Bytes cut from the tail: writes that no sync ever covered. */
  readonly truncatedBytes: number;
}

const SEGMENT_NAME = /^(\d{8})\.log$/;
const segmentName = (segment: number) => `${String(segment).padStart(8, '0')}.log`;

export class RecordLog {
  readonly #dir: string;
  readonly #maxSegmentBytes: number;
  readonly #handles = new Map<number, FileHandle>();
  readonly #inFlight = new Set<Promise<unknown>>();
  /** The batch records of this turn of the event loop join, if one is open. */
  #batch: WriteBatch | undefined;
  readonly #dirty = new Set<FileHandle>();
  readonly #commit: GroupCommit;
  #segment: number;
  #writeOffset: number;
  /** Settles once the segment being appended to is open. */
  #segmentReady: Promise<void> = Promise.resolve();
  #closed = false;
  readonly recovery: RecoveryReport;

  private constructor(
    dir: string,
    maxSegmentBytes: number,
    segment: number,
    writeOffset: number,
    recovery: RecoveryReport,
  ) {
    this.#dir = dir;
    this.#maxSegmentBytes = maxSegmentBytes;
    this.#segment = segment;
    this.#writeOffset = writeOffset;
    this.recovery = recovery;
    this.#commit = new GroupCommit(() => this.#syncNow());
  }

  /** Opens (creating if needed) the log in `dir`, replaying every intact record. */
  static async open(dir: string, options: RecordLogOptions): Promise<RecordLog> {
    await mkdir(dir, { recursive: true });
    const segments = (await readdir(dir))
      .map((name) => SEGMENT_NAME.exec(name)?.[1])
      .filter((digits): digits is string => digits !== undefined)
      .map(Number)
      .sort((a, b) => a - b);

    let records = 0;
    let truncatedBytes = 0;
    let lastSegment = segments.at(-1) ?? 1;
    let lastOffset = 0;
    for (const [index, segment] of segments.entries()) {
      const path = join(dir, segmentName(segment));
      const bytes = await readFile(path);
      const { intactBytes, count } = scanSegment(segment, bytes, options.onRecord);
      records += count;
      lastSegment = segment;
      lastOffset = intactBytes;
      if (intactBytes < bytes.length) {
        truncatedBytes += bytes.length - intactBytes;
        const handle = await open(path, 'r+');
        await handle.truncate(intactBytes);
        await handle.sync();
        await handle.close();
        for (const later of segments.slice(index + 1)) {
          const laterPath = join(dir, segmentName(later));
          truncatedBytes += (await readFile(laterPath)).length;
          await rm(laterPath);
        }
        await syncDirectory(dir);
        break;
      }
    }

    const log = new RecordLog(
      dir,
      options.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES,
      lastSegment,
      lastOffset,
      {
        records,
        truncatedBytes,
      },
    );
    await log.#openForAppend(lastSegment, segments.length === 0);
    return log;
  }

  /**
   * Appends one record; resolves with the payload's location once the bytes are written
   * (not yet durable: call sync()). `parts` are concatenated into the payload.
   */
  append(type: number, parts: readonly Uint8Array[]): Promise<LogLocation> {
    this.#assertOpen();
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    if (length > MAX_RECORD_PAYLOAD_BYTES) {
      throw new RangeError(`record payload of ${length} bytes exceeds ${MAX_RECORD_PAYLOAD_BYTES}`);
    }
    const total = RECORD_HEADER_BYTES + length;
    if (this.#writeOffset > 0 && this.#writeOffset + total > this.#maxSegmentBytes) {
      this.#segment += 1;
      this.#writeOffset = 0;
      this.#segmentReady = this.#openForAppend(this.#segment, true);
    }
    const ready = this.#segmentReady;
    const segment = this.#segment;
    const offset = this.#writeOffset;
    this.#writeOffset += total;

    const record = new Uint8Array(total);
    const view = new DataView(record.buffer);
    view.setUint32(0, MAGIC, true);
    record[4] = VERSION;
    record[5] = type;
    view.setUint32(8, length, true);
    let at = RECORD_HEADER_BYTES;
    for (const part of parts) {
      record.set(part, at);
      at += part.length;
    }
    view.setUint32(
      12,
      crc32(record.subarray(RECORD_HEADER_BYTES), crc32(record.subarray(4, 12))) >>> 0,
      true,
    );

    const location = { segment, offset: offset + RECORD_HEADER_BYTES, length };
    return this.#batchFor(segment, offset, ready)
      .add(record)
      .then(() => location);
  }

  /**
   * The write batch this record joins: records appended in one turn of the event loop at
   * consecutive offsets of one segment go to the file in one writev (a pipelined burst
   * appends hundreds). The batch's promise is in flight for sync().
   */
  #batchFor(segment: number, offset: number, ready: Promise<void>): WriteBatch {
    const open = this.#batch;
    if (
      open !== undefined &&
      open.segment === segment &&
      open.end === offset &&
      open.records.length < MAX_BATCH_RECORDS
    ) {
      return open;
    }
    const batch = new WriteBatch(segment, offset, async (records) => {
      await ready;
      const handle = this.#handles.get(segment);
      if (handle === undefined) throw new StoreError('STORE_CLOSED', 'segment is not open');
      await handle.writev(records, offset);
      this.#dirty.add(handle);
    });
    this.#batch = batch;
    this.#inFlight.add(batch.written);
    void batch.written.finally(() => this.#inFlight.delete(batch.written)).catch(() => undefined);
    process.nextTick(() => {
      if (this.#batch === batch) this.#batch = undefined;
      batch.start();
    });
    return batch;
  }

  /** Resolves once every record appended before the call is durable (fsync, group commit). */
  sync(): Promise<void> {
    this.#assertOpen();
    return this.#commit.flush();
  }

  /** Reads `length` bytes at a location inside a record's payload. */
  async read(location: LogLocation): Promise<Uint8Array> {
    const now = this.readNow(location);
    if (now !== undefined) return now;
    const handle = await this.#handleFor(location.segment);
    const bytes = new Uint8Array(location.length);
    const { bytesRead } = await handle.read(bytes, 0, location.length, location.offset);
    return checkedRead(location, bytes, bytesRead);
  }

  /** Whether readNow would read `location` (without reading it). */
  canReadNow(location: LogLocation): boolean {
    return this.#handles.has(location.segment) && location.length <= SYNC_READ_MAX_BYTES;
  }

  /**
   * The bytes at `location` without waiting, when that is cheap: a small read from a
   * segment already open (a read from the page cache takes microseconds, a promise read
   * a thread pool round trip of about 0.1 ms). Undefined otherwise: use read().
   */
  readNow(location: LogLocation): Uint8Array | undefined {
    this.#assertOpen();
    const handle = this.#handles.get(location.segment);
    if (handle === undefined || !this.canReadNow(location)) return undefined;
    const bytes = new Uint8Array(location.length);
    const bytesRead = readSync(handle.fd, bytes, 0, location.length, location.offset);
    return checkedRead(location, bytes, bytesRead);
  }

  /** Number of fsync rounds so far. */
  get syncCount(): number {
    return this.#commit.syncCount;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.sync();
    this.#closed = true;
    for (const handle of this.#handles.values()) await handle.close();
    this.#handles.clear();
  }

  async #syncNow(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    await Promise.all(dirty.map((handle) => handle.datasync()));
  }

  async #openForAppend(segment: number, create: boolean): Promise<void> {
    const handle = await open(join(this.#dir, segmentName(segment)), create ? 'wx+' : 'r+');
    this.#handles.set(segment, handle);
    if (create) await syncDirectory(this.#dir);
  }

  async #handleFor(segment: number): Promise<FileHandle> {
    const existing = this.#handles.get(segment);
    if (existing !== undefined) return existing;
    const handle = await open(join(this.#dir, segmentName(segment)), 'r');
    this.#handles.set(segment, handle);
    return handle;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('STORE_CLOSED', 'the record log is closed');
  }
}

function checkedRead(location: LogLocation, bytes: Uint8Array, bytesRead: number): Uint8Array {
  if (bytesRead !== location.length) {
    throw new StoreError('STORE_CORRUPT', `short read in segment ${location.segment}`);
  }
  return bytes;
}

function scanSegment(
  segment: number,
  bytes: Uint8Array,
  onRecord: (record: ScannedRecord) => void,
): { intactBytes: number; count: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  let count = 0;
  while (offset + RECORD_HEADER_BYTES <= bytes.length) {
    if (view.getUint32(offset, true) !== MAGIC || bytes[offset + 4] !== VERSION) break;
    const length = view.getUint32(offset + 8, true);
    const end = offset + RECORD_HEADER_BYTES + length;
    if (length > MAX_RECORD_PAYLOAD_BYTES || end > bytes.length) break;
    const payload = bytes.subarray(offset + RECORD_HEADER_BYTES, end);
    const expected = view.getUint32(offset + 12, true);
    if (crc32(payload, crc32(bytes.subarray(offset + 4, offset + 12))) >>> 0 !== expected) break;
    onRecord({
      type: bytes[offset + 5] ?? 0,
      payload,
      location: { segment, offset: offset + RECORD_HEADER_BYTES, length },
    });
    count++;
    offset = end;
  }
  return { intactBytes: offset, count };
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Most records in one writev (below every system's IOV_MAX). */
const MAX_BATCH_RECORDS = 512;

/** Records written together at consecutive offsets of one segment. */
class WriteBatch {
  readonly records: Uint8Array[] = [];
  /** The offset after the last record. */
  end: number;
  /** Resolves once every record of the batch is written (not yet durable). */
  readonly written: Promise<void>;
  #start: () => void = () => undefined;

  constructor(
    readonly segment: number,
    offset: number,
    write: (records: readonly Uint8Array[]) => Promise<void>,
  ) {
    this.end = offset;
    this.written = new Promise<void>((resolve) => {
      this.#start = resolve;
    }).then(() => write(this.records));
  }

  add(record: Uint8Array): Promise<void> {
    this.records.push(record);
    this.end += record.length;
    return this.written;
  }

  /** No more records join; the write begins. */
  start(): void {
    this.#start();
  }
}
