// Two accounts in one engine against a real mt2d (bob@alpha.test and carol@alpha.test):
// the folders, the message lists and search cover both, newest first, and pages by
// keyset cursor run across them without losing or repeating a message.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageSummaryView } from '../../../src/api/index.ts';
import {
  aliceSends,
  p12For,
  PASSPHRASE,
  remoteSetup,
  type RemoteSetup,
} from '../../helpers/engine-harness.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('listMessages and search over every account', () => {
  let setup: RemoteSetup;
  let carolId = '';
  before(async () => {
    setup = await remoteSetup();
    const p12 = await p12For(setup.mt2d.dir, 'carol@alpha.test', 'carol p12');
    const carol = await setup.engine.importIdentity({
      p12: p12.toString('base64'),
      p12Password: 'carol p12',
      passphrase: PASSPHRASE,
      server: { host: setup.mt2d.hostname, port: setup.server.port },
    });
    carolId = carol.id;
    // Interleaved in time, so a merged list must alternate between the accounts. Sort
    // keys order by the second of the Date header: one message a second.
    for (let round = 1; round <= 3; round++) {
      await aliceSends(setup, 1, { subject: `For bob ${round}` });
      await pause(1100);
      await aliceSends(setup, 1, { to: ['carol@alpha.test'], subject: `For carol ${round}` });
      await pause(1100);
    }
    await setup.engine.syncNow({});
  });
  after(() => setup.cleanup());

  const expected = [
    'For carol 3',
    'For bob 3',
    'For carol 2',
    'For bob 2',
    'For carol 1',
    'For bob 1',
  ];

  test('the inbox lists both accounts newest first, and pages across them', async () => {
    const whole = await setup.engine.listMessages({ folder: 'inbox', limit: 10 });
    assert.deepEqual(
      whole.items.map((item) => item.subject),
      expected,
    );
    assert.equal(whole.next, undefined);
    assert.deepEqual(
      new Set(whole.items.map((item) => item.accountId)),
      new Set([setup.accountId, carolId]),
    );

    const paged: MessageSummaryView[] = [];
    let after: string | undefined;
    do {
      const page = await setup.engine.listMessages({
        folder: 'inbox',
        limit: 4,
        ...(after === undefined ? {} : { after }),
      });
      paged.push(...page.items);
      after = page.next;
    } while (after !== undefined);
    assert.deepEqual(
      paged.map((item) => item.ref),
      whole.items.map((item) => item.ref),
    );
  });

  test('search finds the messages of both accounts', async () => {
    const found = await setup.engine.search({ query: 'for', limit: 10 });
    assert.deepEqual(
      found.items.map((item) => item.subject),
      expected,
    );
  });

  test('the folders count both accounts', async () => {
    const inbox = (await setup.engine.listFolders({})).find((folder) => folder.id === 'inbox');
    assert.deepEqual(inbox, { id: 'inbox', name: 'Inbox', total: 6, unread: 6 });
  });
});
