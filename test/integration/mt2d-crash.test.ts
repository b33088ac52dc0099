// mt2d killed with SIGKILL while transfers run, and restarted: every message that got its
// final OK is there exactly once, none is half-there, and retried transfers deliver once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { option, type ClientSession } from '../../src/protocol/index.ts';
import {
  connectUser,
  alphaWithAliceAndBob,
  startMt2dProcess,
  type Mt2dDir,
  type Mt2dProcess,
  type TestUser,
} from '../helpers/mt2d-process.ts';
import { buildSignedMessage, type BuiltMessage } from '../helpers/signed-message.ts';

const SENDERS = 6;
const ROUNDS = 3;

let alpha: Mt2dDir;
let alice: TestUser;
let bob: TestUser;

before(async () => {
  ({ alpha, alice, bob } = await alphaWithAliceAndBob());
});

after(async () => {
  await alpha.remove();
});

/** Messages with bodies of varied sizes, some several fragments long. */
async function makeMessages(count: number, round: number): Promise<BuiltMessage[]> {
  const messages: BuiltMessage[] = [];
  for (let i = 0; i < count; i++) {
    const size = 1000 + ((i * 7919 + round * 104729) % 40_000);
    const text = `round ${round} message ${i} `.repeat(Math.ceil(size / 24)).slice(0, size);
    messages.push(
      await buildSignedMessage({ from: alice.address, to: [bob.address], text }, alice.credentials),
    );
  }
  return messages;
}

/**
 * Sends messages until the connection dies, one after another or (pipelined) all at
 * once; returns the acknowledged ones.
 */
async function sendUntilKilled(
  server: Mt2dProcess,
  messages: readonly BuiltMessage[],
  pipelined: boolean,
): Promise<Set<string>> {
  const acknowledged = new Set<string>();
  let session: ClientSession;
  try {
    session = (await connectUser(server, alice, { hostname: alpha.hostname })).session;
    if (pipelined) await session.opt([option('PIPE', 'ON')]);
  } catch {
    return acknowledged;
  }
  const options = { fragmentBytes: 16_384, chunkBytes: 4096 };
  const send = async (message: BuiltMessage) => {
    const result = await session.transferMessage(message.msgId, message.parts, options);
    if (result.committed) acknowledged.add(message.msgId);
  };
  if (pipelined) {
    await Promise.allSettled(messages.map(send));
    return acknowledged;
  }
  for (const message of messages) {
    try {
      await send(message);
    } catch {
      break;
    }
  }
  return acknowledged;
}

/** bob's mailbox: msg-id to how many live entries, and each body as pulled. */
async function readMailbox(server: Mt2dProcess) {
  const session = (await connectUser(server, bob, { hostname: alpha.hostname })).session;
  const counts = new Map<string, number>();
  let cursor = 0;
  for (;;) {
    const page = await session.list(cursor, 2000);
    for (const entry of page.entries) {
      if (!entry.expunged) counts.set(entry.msgId, (counts.get(entry.msgId) ?? 0) + 1);
    }
    cursor = page.cursor;
    if (!page.more) break;
  }
  const bodies = new Map<string, Uint8Array>();
  const headers = new Map<string, Uint8Array>();
  await session.pull('message/body', [...counts.keys()], {
    onPart: (msgId, bytes) => void bodies.set(msgId, bytes),
  });
  await session.pull('message/headers', [...counts.keys()], {
    onPart: (msgId, bytes) => void headers.set(msgId, bytes),
  });
  await session.quit();
  return { counts, bodies, headers };
}

describe('mt2d under SIGKILL', () => {
  test(`killed ${ROUNDS} times during ${SENDERS} concurrent senders (half pipelined): nothing acknowledged is lost, nothing is half-there`, async (t) => {
    const sent = new Map<string, BuiltMessage>();
    const acknowledged = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const server = await startMt2dProcess(alpha.dir);
      const batches = await Promise.all(
        Array.from({ length: SENDERS }, (_, s) => makeMessages(20, round * SENDERS + s)),
      );
      for (const message of batches.flat()) sent.set(message.msgId, message);
      const senders = batches.map((batch, s) => sendUntilKilled(server, batch, s % 2 === 1));
      // Kill once a few messages are through, while the others are mid-transfer.
      let delivered = 0;
      await server.waitFor((e) => e.event === 'delivered' && ++delivered >= 10 * (round + 1));
      await new Promise((resolve) => setTimeout(resolve, round * 40));
      await server.kill();
      for (const ids of await Promise.all(senders)) for (const id of ids) acknowledged.add(id);

      const restarted = await startMt2dProcess(alpha.dir);
      try {
        const { counts, bodies, headers } = await readMailbox(restarted);
        for (const id of acknowledged) {
          assert.equal(counts.get(id), 1, `acknowledged ${id} is there exactly once`);
        }
        for (const [id, count] of counts) {
          const original = sent.get(id);
          assert.ok(original !== undefined, `${id} was sent by this test`);
          assert.equal(count, 1);
          assert.ok(
            Buffer.from(bodies.get(id) ?? []).equals(original.parts.body),
            `${id} body whole`,
          );
          assert.ok(
            Buffer.from(headers.get(id) ?? []).equals(original.parts.headers),
            `${id} headers whole`,
          );
        }
      } finally {
        await restarted.stop();
      }
    }
    t.diagnostic(`acknowledged before the kills: ${acknowledged.size} of ${sent.size}`);
    assert.ok(acknowledged.size > 0, 'some transfers were acknowledged before the kills');
    assert.ok(acknowledged.size < sent.size, 'the kills cut some transfers off');

    // The senders retry everything; each message ends up delivered once.
    const server = await startMt2dProcess(alpha.dir);
    try {
      const session = (await connectUser(server, alice, { hostname: alpha.hostname })).session;
      assert.equal((await session.opt([option('PIPE', 'ON')])).ok, true);
      const results = await Promise.all(
        [...sent.values()].map((message) => session.transferMessage(message.msgId, message.parts)),
      );
      assert.ok(results.every((result) => result.committed));
      await session.quit();
      const { counts } = await readMailbox(server);
      assert.equal(counts.size, sent.size);
      for (const id of sent.keys()) assert.equal(counts.get(id), 1, `${id} once after retries`);
    } finally {
      await server.stop();
    }
  });
});
