// A real client session against a real server session, joined in memory: the two halves
// of mailbox access must agree with each other, synchronous and pipelined.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Mt2Error,
  mailboxExtension,
  option,
  pipeExtension,
  type MailboxEntry,
} from '../../../../src/protocol/index.ts';
import { MemoryMailbox } from '../../../helpers/memory-mailbox.ts';
import { sessionPair, text } from '../../../helpers/session-harness.ts';

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function pair(mode: 'synchronous' | 'pipelined', count: number, maxListEntries = 40) {
  const mailbox = new MemoryMailbox();
  for (let i = 1; i <= count; i++) {
    mailbox.add(`m${i}@x`, {
      envelope: text.encode(`<envelope n="${i}"/>`),
      headers: text.encode(`<headers n="${i}"/>`),
      body: new Uint8Array(i === 2 ? 300_000 : 100).fill(0x62),
    });
  }
  const p = sessionPair(
    {},
    { extensions: [pipeExtension(), mailboxExtension(mailbox, { maxListEntries })] },
  );
  p.store.helo = () => ({ accept: true, trusted: true, kind: 'user' });
  await p.client.greeting;
  const helo = await p.client.helo(p.tlsCertificate);
  assert.deepEqual(helo.offered, ['PIPE', 'MBOX']);
  if (mode === 'pipelined') assert.ok((await p.client.opt([option('PIPE', 'ON')])).ok);
  return { ...p, mailbox };
}

/** Lists from `since` until the server says there is no more. */
async function listAll(client: Awaited<ReturnType<typeof pair>>['client'], since: number) {
  const entries: MailboxEntry[] = [];
  let cursor = since;
  let rounds = 0;
  for (let more = true; more; rounds++) {
    const page = await client.list(cursor);
    entries.push(...page.entries);
    cursor = page.cursor;
    more = page.more;
  }
  return { entries, cursor, rounds };
}

for (const mode of ['synchronous', 'pipelined'] as const) {
  describe(`mailbox access end to end (${mode})`, () => {
    test('sync: list every page, pull every header, refuse a huge body, flag, delete, resync only the changes', async () => {
      const p = await pair(mode, 100);
      const first = await listAll(p.client, 0);
      assert.equal(first.entries.length, 100);
      assert.equal(first.rounds, 3);
      assert.equal(first.cursor, 100);

      const headers = new Map<string, string>();
      const pulled = await p.client.pull(
        'message/headers',
        first.entries.map((e) => e.msgId),
        {
          onPart: (id, bytes) => {
            headers.set(id, decode(bytes));
          },
          idsPerRequest: 30,
        },
      );
      assert.equal(pulled.delivered, 100);
      assert.equal(headers.get('m57@x'), '<headers n="57"/>');

      const bodies: string[] = [];
      const sizes = new Map(first.entries.map((e) => [e.msgId, e.partSizes.body]));
      const opened = await p.client.pull('message/body', ['m1@x', 'm2@x', 'm3@x', 'nope@x'], {
        accept: (id, size) => {
          assert.equal(size, sizes.get(id));
          return size < 100_000;
        },
        onPart: (id, bytes) => {
          bodies.push(`${id}:${bytes.length}`);
        },
      });
      assert.deepEqual(
        [...opened.outcomes],
        [
          ['m1@x', 'delivered'],
          ['m2@x', 'refused'],
          ['m3@x', 'delivered'],
          ['nope@x', 'unknown'],
        ],
      );
      assert.deepEqual(bodies, ['m1@x:100', 'm3@x:100']);

      const flagged = await p.client.flag('m5@x', ['seen', 'flagged']);
      assert.deepEqual(flagged.flags, ['seen', 'flagged']);
      assert.equal(flagged.modseq, 101);
      assert.equal(await p.client.dele(['m6@x', 'm7@x', 'nope@x']), 2);

      const changes = await listAll(p.client, first.cursor);
      assert.deepEqual(
        changes.entries.map((e) => `${e.msgId} ${e.expunged ? 'gone' : e.flags.join(',')}`),
        ['m5@x seen,flagged', 'm6@x gone', 'm7@x gone'],
      );
      assert.equal(changes.cursor, 103);
      await p.client.quit();
    });

    test('aborting a PULL stops its remaining XFERs; the session goes on', async () => {
      const p = await pair(mode, 6);
      const controller = new AbortController();
      const got: string[] = [];
      const pull = p.client.pull('message/body', ['m1@x', 'm2@x', 'm3@x', 'm4@x', 'm5@x', 'm6@x'], {
        signal: controller.signal,
        onPart: (id) => {
          got.push(id);
        },
        accept: (id) => {
          // ABOR goes out before this XFER's TMP: the server stops after it.
          if (id === 'm2@x') controller.abort();
          return true;
        },
      });
      await assert.rejects(pull, (e: unknown) => e instanceof Mt2Error && e.code === 'ABORTED');
      const xfers = p.toClient.lines().filter((line) => / XFER /.test(line));
      assert.ok(xfers.length < 6, xfers.join('\n'));
      assert.ok(!got.includes('m6@x'));
      assert.match(
        p.toClient.lines().find((line) => line.includes('120.0.5.14')) ?? '',
        /ERR 120\.0\.5\.14 .*Pull stopped/,
      );
      assert.equal(await p.client.noop(), '99.0.2.0');
      const again = await p.client.pull('message/headers', ['m6@x']);
      assert.equal(again.delivered, 1);
    });

    test('LIST and PULL may run side by side with the client XFERing its own message', async () => {
      const p = await pair(mode, 3);
      const [listing, pulled, sent] = await Promise.all([
        p.client.list(0),
        p.client.pull('message/envelope', ['m1@x', 'm2@x', 'm3@x']),
        p.client.transferMessage('out@x', {
          envelope: text.encode('env'),
          headers: text.encode('hdr'),
          body: text.encode('body'),
        }),
      ]);
      assert.equal(listing.entries.length, 3);
      assert.equal(pulled.delivered, 3);
      assert.equal(sent.committed, true);
      assert.ok(p.store.committed.has('out@x'));
    });
  });
}
