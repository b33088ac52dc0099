import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordLog, RECORD_HEADER_BYTES } from '../../../../src/server/store/record-log.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mt2-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

async function reopen(maxSegmentBytes?: number) {
  const seen: string[] = [];
  const log = await RecordLog.open(dir, {
    onRecord: (record) => seen.push(`${record.type}:${text(record.payload)}`),
    ...(maxSegmentBytes === undefined ? {} : { maxSegmentBytes }),
  });
  return { log, seen };
}

test('records written and synced are replayed in order, and read back by location', async () => {
  const { log } = await reopen();
  const first = await log.append(1, [bytes('hello '), bytes('world')]);
  await log.append(2, [bytes('second')]);
  await log.sync();
  assert.equal(text(await log.read(first)), 'hello world');
  await log.close();

  const again = await reopen();
  assert.deepEqual(again.seen, ['1:hello world', '2:second']);
  assert.equal(again.log.recovery.truncatedBytes, 0);
  await again.log.append(3, [bytes('third')]);
  await again.log.close();
  const third = await reopen();
  assert.deepEqual(third.seen, ['1:hello world', '2:second', '3:third']);
  await third.log.close();
});

test('a torn record at the tail is cut off and reported', async () => {
  const { log } = await reopen();
  await log.append(1, [bytes('kept')]);
  await log.close();
  const [segment] = await readdir(dir);
  assert.ok(segment !== undefined);
  const path = join(dir, segment);
  const intact = (await stat(path)).size;
  await appendFile(path, new Uint8Array(RECORD_HEADER_BYTES + 3).fill(7));

  const again = await reopen();
  assert.deepEqual(again.seen, ['1:kept']);
  assert.equal(again.log.recovery.truncatedBytes, RECORD_HEADER_BYTES + 3);
  assert.equal((await stat(path)).size, intact);
  await again.log.close();
});

test('a record whose payload fails its CRC ends the log there', async () => {
  const { log } = await reopen();
  await log.append(1, [bytes('one')]);
  const second = await log.append(1, [bytes('two')]);
  await log.append(1, [bytes('three')]);
  await log.close();
  const [segment] = await readdir(dir);
  assert.ok(segment !== undefined);
  const path = join(dir, segment);
  const raw = await readFile(path);
  raw[second.offset] = (raw[second.offset] ?? 0) ^ 0x01;
  await writeFile(path, raw);

  const again = await reopen();
  assert.deepEqual(again.seen, ['1:one']);
  await again.log.close();
});

test('segments roll over, and damage in one segment cuts the later segments too', async () => {
  const expected = Array.from({ length: 6 }, (_, i) => `record-${i}-${'x'.repeat(20)}`);
  const { log } = await reopen(64);
  for (const record of expected) await log.append(1, [bytes(record)]);
  await log.close();
  const segments = (await readdir(dir)).sort();
  assert.ok(segments.length >= 3, `expected several segments, got ${segments.length}`);
  const whole = await reopen(64);
  assert.equal(whole.seen.length, 6);
  await whole.log.close();

  const second = segments[1];
  assert.ok(second !== undefined);
  await writeFile(join(dir, second), new Uint8Array(10));
  const again = await reopen(64);
  assert.ok(again.seen.length < 6);
  assert.deepEqual(
    again.seen,
    expected.slice(0, again.seen.length).map((record) => `1:${record}`),
  );
  assert.equal((await readdir(dir)).length, 2, 'segments after the damage are removed');
  await again.log.close();
});

test('a closed log refuses appends', async () => {
  const { log } = await reopen();
  await log.close();
  assert.throws(() => log.append(1, [bytes('late')]), { code: 'STORE_CLOSED' });
});

test('small and large records read back byte for byte (small ones are read synchronously)', async () => {
  const { log } = await reopen();
  const small = new Uint8Array(64 * 1024).map((_, index) => index % 251);
  const large = new Uint8Array(64 * 1024 + 1).map((_, index) => (index * 7) % 253);
  const [smallAt, largeAt] = await Promise.all([log.append(1, [small]), log.append(2, [large])]);
  await log.sync();
  assert.deepEqual(await log.read(smallAt), small);
  assert.deepEqual(await log.read(largeAt), large);
  await log.close();
  await assert.rejects(log.read(smallAt), /closed/);
});
