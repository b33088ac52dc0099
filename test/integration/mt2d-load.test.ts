// Load on loopback: 200 concurrent TLS sessions transferring into one real mt2d process;
// none is refused without a reason and nothing is lost.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Mt2Error, type Mt2Connection } from '../../src/protocol/index.ts';
import {
  connectUser,
  alphaWithAliceAndBob,
  startMt2dProcess,
  type Mt2dDir,
  type Mt2dProcess,
  type TestUser,
} from '../helpers/mt2d-process.ts';
import { buildSignedMessage, type BuiltMessage } from '../helpers/signed-message.ts';

const SESSIONS = 200;
const MESSAGES_PER_SESSION = 2;

let alpha: Mt2dDir;
let server: Mt2dProcess;
let alice: TestUser;
let bob: TestUser;

before(async () => {
  ({ alpha, alice, bob } = await alphaWithAliceAndBob());
  server = await startMt2dProcess(alpha.dir);
});

after(async () => {
  await server.stop();
  await alpha.remove();
});

/** Why an operation failed, as the report lists it: the server's code, or the local error. */
function reasonOf(error: unknown): string {
  if (error instanceof Mt2Error) return `${error.code} ${error.result} ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

describe('mt2d under load', () => {
  test(`${SESSIONS} concurrent sessions, ${MESSAGES_PER_SESSION} messages each`, async (t) => {
    const messages: BuiltMessage[][] = [];
    for (let s = 0; s < SESSIONS; s++) {
      const batch: BuiltMessage[] = [];
      for (let m = 0; m < MESSAGES_PER_SESSION; m++) {
        batch.push(
          await buildSignedMessage(
            { from: alice.address, to: [bob.address], text: `session ${s} message ${m}` },
            alice.credentials,
          ),
        );
      }
      messages.push(batch);
    }
    const failures: string[] = [];
    const connections = await Promise.all(
      messages.map(() =>
        connectUser(server, alice, { hostname: alpha.hostname }).catch((error: unknown) => {
          failures.push(`connect: ${reasonOf(error)}`);
          return undefined;
        }),
      ),
    );
    const open = connections.filter((c): c is Mt2Connection => c !== undefined);
    // All sessions are open at once before any transfer starts: truly concurrent.
    assert.equal(open.length, SESSIONS, failures.join('\n'));
    const started = Date.now();
    const committed = await Promise.all(
      open.map(async (connection, s) => {
        let count = 0;
        for (const message of messages[s] ?? []) {
          try {
            const result = await connection.session.transferMessage(message.msgId, message.parts);
            if (result.committed) count++;
          } catch (error) {
            failures.push(`transfer ${message.msgId}: ${reasonOf(error)}`);
          }
        }
        return count;
      }),
    );
    t.diagnostic(`${SESSIONS * MESSAGES_PER_SESSION} messages in ${Date.now() - started} ms`);
    assert.deepEqual(failures, [], 'no refusal at all');
    assert.equal(
      committed.reduce((a, b) => a + b, 0),
      SESSIONS * MESSAGES_PER_SESSION,
    );
    await Promise.all(open.map((connection) => connection.session.quit()));

    const reader = (await connectUser(server, bob, { hostname: alpha.hostname })).session;
    const seen = new Set<string>();
    let cursor = 0;
    for (;;) {
      const page = await reader.list(cursor, 1000);
      for (const entry of page.entries) seen.add(entry.msgId);
      cursor = page.cursor;
      if (!page.more) break;
    }
    for (const message of messages.flat()) {
      assert.ok(seen.has(message.msgId), `${message.msgId} reached bob`);
    }
    assert.equal(seen.size, SESSIONS * MESSAGES_PER_SESSION);
    await reader.quit();
  });
});
