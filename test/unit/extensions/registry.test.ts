import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CHESS_OID,
  DISPOSITION_OID,
  MAILING_LIST_OID,
  RECIPIENT_EXTENSIONS,
  RECIPIENT_EXTENSION_ARC,
  VCARD_OID,
  decodePayload,
  encodePayload,
  writeVcard,
  type ExtensionRegistry,
  type PayloadBase,
  type RecipientExtension,
  type RecipientPayloads,
} from '../../../src/extensions/index.ts';
import { decodeHeaders, encodeHeaders } from '../../../src/message/index.ts';

const PGN =
  '[Event "MT2 chess by mail"]\n[White "a@x.example"]\n[Black "b@y.example"]\n[Result "*"]\n\n1. e4 *';

/** One payload of every kind of every extension. */
const SAMPLES: { readonly [K in keyof RecipientPayloads]: readonly RecipientPayloads[K][] } = {
  vcard: [
    { kind: 'request' },
    { kind: 'card', vcard: writeVcard({ fullName: 'Zoë <Z> & "Co"', emails: ['z@x.example'] }) },
    { kind: 'declined' },
  ],
  chess: [
    {
      kind: 'challenge',
      game: 'g-1',
      ply: 0,
      pgn: PGN,
      white: 'a@x.example',
      black: 'b@y.example',
    },
    { kind: 'accept', game: 'g-1', ply: 0, pgn: PGN },
    { kind: 'decline', game: 'g-1', ply: 0, pgn: PGN },
    { kind: 'move', game: 'g-1', ply: 1, san: 'e4', pgn: PGN },
    { kind: 'move', game: 'g-1', ply: 9, san: 'O-O-O+', pgn: PGN },
    { kind: 'move', game: 'g-1', ply: 9, san: 'exd8=Q#', pgn: PGN },
    { kind: 'resign', game: 'g-1', ply: 1, pgn: PGN },
    { kind: 'drawOffer', game: 'g-1', ply: 1, pgn: PGN },
    { kind: 'drawAccept', game: 'g-1', ply: 1, pgn: PGN },
    { kind: 'drawDecline', game: 'g-1', ply: 1, pgn: PGN },
  ],
  mailingList: [
    { kind: 'subscribe', list: 'l@lists.example' },
    { kind: 'unsubscribe', list: 'l@lists.example' },
    { kind: 'confirm', list: 'l@lists.example', action: 'subscribe', token: 'abcdefghijklmnop' },
    {
      kind: 'confirmRequired',
      list: 'l@lists.example',
      action: 'unsubscribe',
      token: 'abcdefghijklmnop',
    },
    { kind: 'subscribed', list: 'l@lists.example', name: 'A list' },
    { kind: 'subscribed', list: 'l@lists.example' },
    { kind: 'unsubscribed', list: 'l@lists.example' },
    { kind: 'refused', list: 'l@lists.example', reason: 'TOKEN_MISMATCH' },
  ],
  disposition: [
    { kind: 'request', notifyTo: 'a@x.example' },
    { kind: 'notification', message: 'm1@x.example', disposition: 'displayed' },
  ],
};

function roundTrip<P extends PayloadBase>(extension: RecipientExtension<P>, payload: P): P {
  const element = encodePayload(extension, payload, 'person');
  const [back] = decodeHeaders(encodeHeaders({ fields: [], extensions: [element] })).extensions;
  assert.ok(back);
  assert.equal(back.oid, extension.oid);
  assert.equal(back.critical, extension.critical);
  const decoded = decodePayload(extension, back.content);
  assert.equal(decoded.approval, 'person');
  return decoded.payload;
}

describe('recipient extension registry', () => {
  test('OIDs are fixed under the recipient arc and never renumbered', () => {
    assert.deepEqual(
      Object.entries(RECIPIENT_EXTENSIONS).map(([name, extension]) => [name, extension.oid]),
      [
        ['vcard', `${RECIPIENT_EXTENSION_ARC}.1`],
        ['chess', `${RECIPIENT_EXTENSION_ARC}.2`],
        ['mailingList', `${RECIPIENT_EXTENSION_ARC}.3`],
        ['disposition', `${RECIPIENT_EXTENSION_ARC}.4`],
      ],
    );
    assert.deepEqual(
      [VCARD_OID, CHESS_OID, MAILING_LIST_OID, DISPOSITION_OID].map((oid) => oid.split('.').at(-1)),
      ['1', '2', '3', '4'],
    );
    const namespaces = Object.values(RECIPIENT_EXTENSIONS).map((extension) => extension.namespace);
    assert.equal(new Set(namespaces).size, namespaces.length);
    for (const extension of Object.values(RECIPIENT_EXTENSIONS)) {
      assert.equal(
        extension.critical,
        false,
        'a client without the extension can still read the mail',
      );
      assert.equal(extension.version, 1);
    }
  });

  test('every payload kind of every extension survives the headers XML both ways', () => {
    const checkAll = <P extends PayloadBase>(
      extension: RecipientExtension<P>,
      samples: readonly P[],
    ) => {
      for (const payload of samples) assert.deepEqual(roundTrip(extension, payload), payload);
    };
    checkAll(RECIPIENT_EXTENSIONS.vcard, SAMPLES.vcard);
    checkAll(RECIPIENT_EXTENSIONS.chess, SAMPLES.chess);
    checkAll(RECIPIENT_EXTENSIONS.mailingList, SAMPLES.mailingList);
    checkAll(RECIPIENT_EXTENSIONS.disposition, SAMPLES.disposition);
  });

  test('the registry type catches a missing extension at compile time', () => {
    const { vcard, chess, mailingList } = RECIPIENT_EXTENSIONS;
    // @ts-expect-error -- `disposition` is missing: the registry does not compile without it.
    const incomplete: ExtensionRegistry<RecipientPayloads> = { vcard, chess, mailingList };
    const mismatched: ExtensionRegistry<RecipientPayloads> = {
      // @ts-expect-error -- a chess extension cannot stand in for the vCard one.
      vcard: chess,
      chess,
      mailingList,
      disposition: RECIPIENT_EXTENSIONS.disposition,
    };
    assert.equal(Object.keys(incomplete).length, 3);
    assert.equal(mismatched.vcard, chess);
  });
});
