// Mailbox access over TLS 1.3 on loopback: a real MT2 server and client, real sockets,
// certificates made with the openssl CLI; the mailbox behind the server is the test's
// own in-memory one (mt2d's store is tested with mt2d).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Mt2Error,
  RESULT,
  connectMt2,
  createMt2Server,
  mailboxExtension,
  option,
  pipeExtension,
  type ClientSession,
  type MailboxEntry,
  type Mt2Server,
} from '../../src/protocol/index.ts';
import { MemoryMailbox } from '../helpers/memory-mailbox.ts';
import { MemoryStore } from '../helpers/memory-store.ts';
import {
  issuedBy,
  makeThrowawayPki,
  type Issued,
  type ThrowawayPki,
} from '../helpers/throwaway-pki.ts';

const text = new TextEncoder();
const MESSAGES = 500;
const BIG_BODY = 16 * 1024 * 1024;
let pki: ThrowawayPki;
let server: Mt2Server;
let mailbox: MemoryMailbox;

const headersOf = (i: number) =>
  text.encode(`<headers n="${i}"><subject>Hello ${i}</subject></headers>`);

before(async () => {
  pki = makeThrowawayPki();
  mailbox = new MemoryMailbox();
  for (let i = 1; i <= MESSAGES; i++) {
    mailbox.add(`m${i}@example.test`, {
      envelope: text.encode(`<envelope n="${i}"/>`),
      headers: headersOf(i),
      body: new Uint8Array(i === 1 ? BIG_BODY : 2048).fill(i % 251),
    });
  }
  server = await createMt2Server({
    identity: { key: pki.server.key, cert: pki.server.cert },
    hooksFor: () => {
      const store = new MemoryStore();
      // Alice is a user reading her mailbox; Mallory's certificate stands in for a relay host.
      store.helo = ({ certificate }) =>
        issuedBy(pki.ca, certificate)
          ? {
              accept: true,
              trusted: true,
              kind: Buffer.from(certificate).equals(Buffer.from(pki.alice.der)) ? 'user' : 'host',
            }
          : { accept: false, code: RESULT.CERTIFICATE_UNTRUSTED };
      return store;
    },
    extensionsFor: () => [pipeExtension(), mailboxExtension(mailbox, { maxListEntries: 200 })],
  });
});

after(async () => {
  await server.close();
});

async function login(user: Issued, pipelined = false): Promise<ClientSession> {
  const { session } = await connectMt2({
    host: '127.0.0.1',
    servername: 'localhost',
    port: server.port,
    identity: { key: user.key, cert: user.cert },
    checkServerCertificate: (der) => {
      if (!issuedBy(pki.ca, der)) throw new Error('server certificate not issued by the test CA');
    },
    extensions: [pipeExtension()],
  });
  await session.helo(user.der);
  if (pipelined) assert.ok((await session.opt([option('PIPE', 'ON')])).ok);
  return session;
}

async function listAll(session: ClientSession, since: number) {
  const entries: MailboxEntry[] = [];
  let cursor = since;
  let rounds = 0;
  for (let more = true; more; rounds++) {
    const page = await session.list(cursor);
    entries.push(...page.entries);
    cursor = page.cursor;
    more = page.more;
  }
  return { entries, cursor, rounds };
}

describe('mailbox access over TLS 1.3 on loopback', () => {
  for (const pipelined of [false, true]) {
    test(`${pipelined ? 'pipelined' : 'synchronous'}: list in pages, pull every header, refuse the huge body, open a small one`, async () => {
      const session = await login(pki.alice, pipelined);
      assert.ok(session.offered.includes('MBOX'));
      const listing = await listAll(session, 0);
      assert.equal(listing.rounds, 3);
      assert.equal(listing.entries.length, MESSAGES);
      const headers = new Map<string, Uint8Array>();
      const pulled = await session.pull(
        'message/headers',
        listing.entries.map((e) => e.msgId),
        {
          onPart: (id, bytes) => {
            headers.set(id, bytes);
          },
        },
      );
      assert.equal(pulled.delivered, MESSAGES);
      assert.deepEqual(headers.get('m321@example.test'), headersOf(321));

      const bodies: string[] = [];
      const opened = await session.pull('message/body', ['m1@example.test', 'm2@example.test'], {
        accept: (_id, size) => size <= 1024 * 1024,
        onPart: (id, bytes) => {
          bodies.push(`${id} ${bytes.length} ${bytes[0]}`);
        },
      });
      assert.deepEqual([...opened.outcomes.values()], ['refused', 'delivered']);
      assert.deepEqual(bodies, ['m2@example.test 2048 2']);
      await session.quit();
    });
  }

  test('a 16 MiB body travels in chunks and arrives whole', async () => {
    const session = await login(pki.alice, true);
    const bodies: Uint8Array[] = [];
    const result = await session.pull('message/body', ['m1@example.test'], {
      onPart: (_id, bytes) => {
        bodies.push(bytes);
      },
    });
    assert.equal(result.delivered, 1);
    const [body] = bodies;
    assert.equal(body?.length, BIG_BODY);
    assert.ok(body.every((octet) => octet === 1));
    await session.quit();
  });

  test('ABOR while the huge body is on its way: the PULL fails ABORTED and the session goes on', async () => {
    const session = await login(pki.alice);
    const controller = new AbortController();
    const delivered: string[] = [];
    const pull = session.pull('message/body', ['m1@example.test', 'm2@example.test'], {
      signal: controller.signal,
      accept: () => {
        setImmediate(() => {
          controller.abort();
        });
        return true;
      },
      onPart: (id) => {
        delivered.push(id);
      },
    });
    await assert.rejects(pull, (e: unknown) => e instanceof Mt2Error && e.code === 'ABORTED');
    assert.deepEqual(delivered, []);
    assert.equal(await session.noop(), RESULT.OK);
    const after = await session.pull('message/headers', ['m2@example.test']);
    assert.equal(after.delivered, 1);
    await session.quit();
  });

  test('flags and deletions show up in the next LIST from the cursor, in both sessions', async () => {
    const reader = await login(pki.alice);
    const other = await login(pki.alice, true);
    const start = await listAll(reader, 0);
    const flagged = await other.flag('m10@example.test', ['seen', 'answered']);
    assert.deepEqual(flagged.flags, ['seen', 'answered']);
    assert.equal(await other.dele(['m11@example.test', 'm12@example.test']), 2);
    const changes = await listAll(reader, start.cursor);
    assert.deepEqual(
      changes.entries.map((e) => `${e.msgId} ${e.expunged ? 'gone' : e.flags.join(',')}`),
      ['m10@example.test seen,answered', 'm11@example.test gone', 'm12@example.test gone'],
    );
    await reader.quit();
    await other.quit();
  });

  test('a host session is not offered MBOX: LIST is an unknown verb (99.0.5.3)', async () => {
    const session = await login(pki.mallory);
    assert.ok(!session.offered.includes('MBOX'));
    await assert.rejects(
      session.list(0),
      (e: unknown) =>
        e instanceof Mt2Error && e.code === 'REFUSED' && e.result === RESULT.UNKNOWN_VERB,
    );
    await session.quit();
  });
});
