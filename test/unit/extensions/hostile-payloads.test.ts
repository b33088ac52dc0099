// Hostile input: random payloads built from the extensions' own element and attribute
// names (so they get past the first checks) must be held or refused with an
// ExtensionError, never crash the engine, and never change state on receipt.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  RECIPIENT_EXTENSIONS,
  startChessGame,
  writePayloadRoot,
  type OutgoingMessage,
} from '../../../src/extensions/index.ts';
import type { XmlElement, XmlNode } from '../../../src/message/index.ts';
import { FIXED_NOW, extension, incoming, stateSnapshot, verified } from './fixtures/mail.ts';
import { PostOffice } from './fixtures/post.ts';

const NAMES = [
  'vcardRequest',
  'vcard',
  'vcardDeclined',
  'challenge',
  'accept',
  'decline',
  'move',
  'resign',
  'drawOffer',
  'drawAccept',
  'drawDecline',
  'pgn',
  'subscribe',
  'unsubscribe',
  'confirm',
  'confirmRequired',
  'subscribed',
  'unsubscribed',
  'refused',
  'dispositionRequest',
  'notification',
];
const ATTRIBUTES = [
  'game',
  'ply',
  'san',
  'white',
  'black',
  'list',
  'action',
  'token',
  'name',
  'reason',
  'notifyTo',
  'message',
  'disposition',
];
const VALUES = fc.oneof(
  fc.constantFrom(
    'g1',
    '0',
    '1',
    '2',
    '-1',
    'e4',
    'Nf3',
    'Kxe8',
    'O-O',
    'alice@one.example',
    'bob@two.example',
    'l@lists.example',
    'subscribe',
    'unsubscribe',
    'displayed',
    'denied',
    'TOKEN_MISMATCH',
    'x'.repeat(20),
    '',
  ),
  fc.string({ maxLength: 12 }),
);
const TEXT = fc.oneof(
  fc.constantFrom(
    '*',
    '1. e4 *',
    '1. e4 e5 *',
    '[White "alice@one.example"]\n[Black "bob@two.example"]\n\n1. e4 *',
    'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\nEND:VCARD\r\n',
    'BEGIN:VCARD\r\nVERSION:4.0\r\n',
    'BEGIN:VCARD',
  ),
  fc.string({ maxLength: 40 }),
);

const element: fc.Arbitrary<XmlElement> = fc.letrec((tie) => ({
  node: fc.record({
    name: fc.constantFrom(...NAMES),
    attributes: fc.dictionary(fc.constantFrom(...ATTRIBUTES), VALUES, { maxKeys: 5 }),
    children: fc.array(fc.oneof(TEXT, tie('node') as fc.Arbitrary<XmlNode>), { maxLength: 2 }),
  }),
})).node;

/** Chess messages with the right shape and random contents, to reach the game checks. */
const chessMessage: fc.Arbitrary<XmlElement> = fc.record({
  name: fc.constantFrom(
    'move',
    'resign',
    'drawOffer',
    'drawAccept',
    'drawDecline',
    'accept',
    'decline',
  ),
  attributes: fc.record({
    game: fc.constantFrom('g1', 'g2'),
    ply: fc.constantFrom('0', '1', '2', '3'),
    san: fc.constantFrom('e4', 'e5', 'Nf3', 'Ke2', 'Qh5', 'O-O'),
  }),
  children: TEXT.map((text) => [{ name: 'pgn', attributes: {}, children: [text] }]),
});

/** vCard answers with random card text. */
const vcardMessage: fc.Arbitrary<XmlElement> = TEXT.map((text) => ({
  name: 'vcard',
  attributes: {},
  children: [text],
}));

const ALICE = 'alice@one.example';
const BOB = 'bob@two.example';

test('random payloads of every extension are held or refused with a typed error, and change nothing', () => {
  const post = new PostOffice();
  const alice = post.add(ALICE);
  const bob = post.add(BOB, { vcard: 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bob\r\nEND:VCARD\r\n' });
  // A game in progress, so chess payloads can reach the game checks.
  const challenge: OutgoingMessage = alice.engine.initiate(
    'chess',
    startChessGame({ id: 'g1', me: ALICE, opponent: BOB, myColor: 'w', date: FIXED_NOW }),
  );
  const [arrival] = post.deliver(challenge);
  const [accept] = bob.engine.decide(arrival?.pending[0]?.id ?? '', { kind: 'approve' });
  assert.ok(accept);
  const before = stateSnapshot(bob.store);
  const extensions = Object.values(RECIPIENT_EXTENSIONS);
  fc.assert(
    fc.property(
      fc.oneof(
        fc.tuple(fc.nat({ max: extensions.length - 1 }), element),
        fc.tuple(fc.constant(extensions.indexOf(RECIPIENT_EXTENSIONS.chess)), chessMessage),
        fc.tuple(fc.constant(extensions.indexOf(RECIPIENT_EXTENSIONS.vcard)), vcardMessage),
      ),
      ([which, root]) => {
        const target = extensions[which];
        assert.ok(target);
        const content = writePayloadRoot(root, target.namespace, target.version);
        let result;
        try {
          result = bob.engine.receive(
            incoming(verified(ALICE), BOB, [extension(target.oid, content)]),
          );
        } catch (error) {
          assert.fail(`receive threw ${String(error)} for ${JSON.stringify(root)}`);
        }
        assert.equal(result.pending.length + result.refused.length, 1);
        assert.deepEqual(result.outgoing, []);
      },
    ),
    { numRuns: 400, seed: 20261128 },
  );
  assert.deepEqual(stateSnapshot(bob.store), before);
  const codes = new Set<string>();
  for (const entry of bob.engine.auditLog()) {
    if (entry.action === 'refused') codes.add(entry.code ?? '');
  }
  // The generator reaches past the schema into the extensions' own checks.
  for (const code of [
    'EXTENSION_PAYLOAD_INVALID',
    'VCARD_INVALID',
    'CHESS_PGN_INVALID',
    'CHESS_ILLEGAL_MOVE',
  ]) {
    assert.ok(codes.has(code), `no payload was refused with ${code}: ${[...codes].join(', ')}`);
  }
  for (const code of codes) assert.match(code, /^[A-Z_]+$/);
});
