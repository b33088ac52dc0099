import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageStore } from '../../src/server/store/index.ts';
import { partContent } from './fixtures/message-content.ts';

const WRITER = new URL('./fixtures/store-writer.ts', import.meta.url).pathname;
const ROUNDS = 6;

const dir = await mkdtemp(join(tmpdir(), 'mt2-crash-'));
after(() => rm(dir, { recursive: true, force: true }));

/** Runs the writer until it has acknowledged `minAcks` messages, then kills it with SIGKILL. */
async function runAndKill(prefix: string, minAcks: number, extraMs: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, prefix], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: string[] = [];
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('ACK ')) acked.push(line.slice(4));
      if (acked.length >= minAcks) resolve();
    });
    child.on('exit', (code) => {
      reject(new Error(`writer exited early (${code}): ${stderr}`));
    });
  });
  await sleep(extraMs);
  child.kill('SIGKILL');
  await exited;
  // Lines the writer printed before dying still count as acknowledged.
  for (const line of pending.split('\n')) if (line.startsWith('ACK ')) acked.push(line.slice(4));
  return acked;
}

test('after kill -9 at any moment, every acknowledged message is whole and no partial one shows', async () => {
  const allAcked: string[] = [];
  let truncatedBytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    allAcked.push(...(await runAndKill(`r${round}`, 10 + round * 7, round * 13)));

    const store = await MessageStore.open(dir);
    truncatedBytes += store.recovery.truncatedBytes;
    try {
      for (const msgId of allAcked) {
        assert.ok(store.has(msgId), `acknowledged ${msgId} lost after kill -9 in round ${round}`);
      }
      const { entries } = store.list('alice@alpha.test', 0, Number.MAX_SAFE_INTEGER);
      assert.ok(entries.length >= allAcked.length);
      for (const entry of entries) {
        for (const part of ['envelope', 'headers', 'body'] as const) {
          assert.deepEqual(
            await store.readPart(entry.msgId, part),
            partContent(entry.msgId, part),
            `${entry.msgId} ${part} differs after recovery in round ${round}`,
          );
        }
      }
    } finally {
      await store.close();
    }
  }
  assert.ok(allAcked.length >= ROUNDS * 10);
  console.log(
    `crash test: ${allAcked.length} acknowledged messages over ${ROUNDS} kills; recovery cut ${truncatedBytes} torn bytes`,
  );
});
