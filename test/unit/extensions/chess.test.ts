import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CHESS_NAMESPACE,
  CHESS_OID,
  offerChessDraw,
  playChessMove,
  resignChessGame,
  startChessGame,
  writePayloadRoot,
  xmlElement,
  type ChessColor,
  type OutgoingMessage,
} from '../../../src/extensions/index.ts';
import { checkPgn } from '../../helpers/pgn-extract.ts';
import { FIXED_NOW, extension, incoming, stateSnapshot, verified } from './fixtures/mail.ts';
import { PostOffice, type PostUser } from './fixtures/post.ts';

const ALICE = 'alice@one.example';
const BOB = 'bob@two.example';
const CAROL = 'carol@three.example';

/** Morphy v Duke of Brunswick and Count Isouard, Paris 1858: 33 plies, mate. */
const OPERA_GAME =
  'e4 e5 Nf3 d6 d4 Bg4 dxe5 Bxf3 Qxf3 dxe5 Bc4 Nf6 Qb3 Qe7 Nc3 c6 Bg5 b5 Nxb5 cxb5 Bxb5+ Nbd7 O-O-O Rd8 Rxd7 Rxd7 Rd1 Qe6 Bxd7+ Nxd7 Qb8+ Nxb8 Rd8#'.split(
    ' ',
  );

function town(): { post: PostOffice; alice: PostUser; bob: PostUser; carol: PostUser } {
  const post = new PostOffice();
  return { post, alice: post.add(ALICE), bob: post.add(BOB), carol: post.add(CAROL) };
}

/** Delivers `message` and has the recipient approve what it caused; returns the replies. */
function deliverAndApprove(post: PostOffice, message: OutgoingMessage): OutgoingMessage[] {
  const [result] = post.deliver(message);
  assert.ok(result);
  assert.deepEqual(result.refused, []);
  const recipient = post.user(message.to[0] ?? '');
  return [
    ...result.outgoing,
    ...result.pending.flatMap((item) => recipient.engine.decide(item.id, { kind: 'approve' })),
  ];
}

/** A challenge from `from` to `to`, accepted; returns the game id. */
function startAccepted(
  post: PostOffice,
  from: PostUser,
  to: PostUser,
  id: string,
  color: ChessColor = 'w',
): string {
  const challenge = from.engine.initiate(
    'chess',
    startChessGame({ id, me: from.address, opponent: to.address, myColor: color, date: FIXED_NOW }),
  );
  const replies = deliverAndApprove(post, challenge);
  assert.equal(replies.length, 1);
  for (const reply of replies) assert.deepEqual(deliverAndApprove(post, reply), []);
  return id;
}

function move(post: PostOffice, from: PostUser, id: string, san: string): OutgoingMessage {
  return from.engine.initiate('chess', playChessMove(from.store, id, san));
}

describe('chess by mail', () => {
  test('a challenge changes nothing and sends nothing until consent; approval sends exactly the accept', () => {
    const { post, alice, bob } = town();
    const challenge = alice.engine.initiate(
      'chess',
      startChessGame({ id: 'g1', me: ALICE, opponent: BOB, myColor: 'w', date: FIXED_NOW }),
    );
    const before = stateSnapshot(bob.store);
    const [result] = post.deliver(challenge);
    assert.ok(result);
    assert.deepEqual(result.outgoing, []);
    assert.deepEqual(stateSnapshot(bob.store), before);
    const [item] = result.pending;
    assert.ok(item);
    assert.match(item.summary, /you play black/);
    const replies = bob.engine.decide(item.id, { kind: 'approve' });
    assert.equal(replies.length, 1);
    const [reply] = replies;
    assert.ok(reply);
    assert.deepEqual(
      reply.to,
      item.declared.map((declared) => declared.to),
    );
    const sent = reply.headers.extensions[0]?.content[0];
    const declared = item.declared[0]?.content[0];
    assert.ok(
      sent !== undefined &&
        typeof sent !== 'string' &&
        declared !== undefined &&
        typeof declared !== 'string',
    );
    assert.deepEqual(
      { ...sent, attributes: { ...sent.attributes, approval: undefined } },
      {
        ...declared,
        attributes: { ...declared.attributes, approval: undefined },
      },
    );
    assert.equal(sent.attributes['approval'], 'person');
    assert.equal(bob.store.get('chessGames', 'g1')?.status, 'active');
    assert.equal(bob.store.get('chessGames', 'g1')?.me, 'b');
  });

  test('an unverified challenger stays pending even with "always" set', () => {
    const { post, alice, bob } = town();
    bob.engine.setPolicy({ kind: 'extension', extension: 'chess' }, 'always');
    const challenge = alice.engine.initiate(
      'chess',
      startChessGame({ id: 'g1', me: ALICE, opponent: BOB, myColor: 'w', date: FIXED_NOW }),
    );
    const [result] = post.deliver(challenge, false);
    assert.equal(result?.pending[0]?.heldBecause, 'UNVERIFIED_SENDER');
    assert.deepEqual(result.outgoing, []);
    assert.equal(bob.store.get('chessGames', 'g1'), undefined);
  });

  test('malformed chess payloads are refused with the path of the fault; nothing applied', () => {
    const { bob } = town();
    const cases: [string, Record<string, string>, string][] = [
      ['move', { game: 'g1', ply: '1', san: 'e2e4!!' }, '/move/@san'],
      ['move', { game: 'g 1', ply: '1', san: 'e4' }, '/move/@game'],
      ['move', { game: 'g1', ply: '-1', san: 'e4' }, '/move/@ply'],
      ['move', { game: 'g1', ply: '99999', san: 'e4' }, '/move/@ply'],
      ['castle', { game: 'g1', ply: '1' }, '/castle'],
      ['challenge', { game: 'g1', ply: '0', white: 'alice', black: BOB }, '/challenge/@white'],
    ];
    const before = stateSnapshot(bob.store);
    for (const [name, attributes, path] of cases) {
      const content = writePayloadRoot(
        xmlElement(name, attributes, [xmlElement('pgn', {}, ['*'])]),
        CHESS_NAMESPACE,
        1,
      );
      const result = bob.engine.receive(
        incoming(verified(ALICE), BOB, [extension(CHESS_OID, content)]),
      );
      assert.equal(result.refused[0]?.error.code, 'EXTENSION_PAYLOAD_INVALID', path);
      assert.equal(result.refused[0].error.path, path);
    }
    const noPgn = writePayloadRoot(
      xmlElement('move', { game: 'g1', ply: '1', san: 'e4' }),
      CHESS_NAMESPACE,
      1,
    );
    const result = bob.engine.receive(
      incoming(verified(ALICE), BOB, [extension(CHESS_OID, noPgn)]),
    );
    assert.equal(result.refused[0]?.error.path, '/move/pgn');
    assert.deepEqual(stateSnapshot(bob.store), before);
    assert.deepEqual(bob.engine.pendingItems(), []);
  });

  test('a whole game across two accounts ends in checkmate, and pgn-extract accepts the PGN', async () => {
    const { post, alice, bob } = town();
    const id = startAccepted(post, alice, bob, 'opera');
    // Alice lets Bob's chess messages through on her side; Bob approves each by hand.
    alice.engine.setPolicy({ kind: 'senderExtension', sender: BOB, extension: 'chess' }, 'always');
    OPERA_GAME.forEach((san, index) => {
      const mover = index % 2 === 0 ? alice : bob;
      assert.deepEqual(deliverAndApprove(post, move(post, mover, id, san)), []);
    });
    const aliceGame = alice.store.get('chessGames', id);
    const bobGame = bob.store.get('chessGames', id);
    assert.equal(aliceGame?.status, '1-0');
    assert.equal(aliceGame.plies, 33);
    assert.equal(bobGame?.pgn, aliceGame.pgn);
    assert.match(aliceGame.pgn, /17\. Rd8# 1-0$/);
    const oracle = await checkPgn(aliceGame.pgn);
    assert.ok(oracle.accepted, oracle.report);
    const auto = alice.engine.auditLog().filter((entry) => entry.action === 'autoApproved');
    assert.equal(auto.length, 16);
  });

  test('the pgn-extract oracle rejects a game with an impossible move', async () => {
    const oracle = await checkPgn('[Event "x"]\n[Result "1-0"]\n\n1. f3 e5 2. g4 Ke7 Qh4# 1-0\n');
    assert.equal(oracle.accepted, false);
  });

  test('illegal, out-of-turn, replayed and mismatched moves are refused and never applied', () => {
    const { post, alice, bob } = town();
    const id = startAccepted(post, alice, bob, 'g1');
    const e4 = move(post, alice, id, 'e4');
    const pgnAfterE4 = alice.store.get('chessGames', id)?.pgn ?? '';
    assert.deepEqual(deliverAndApprove(post, e4), []);
    const bobBefore = bob.store.get('chessGames', id);

    const forged = (attributes: Record<string, string>, pgn: string) =>
      bob.engine.receive(
        incoming(verified(ALICE), BOB, [
          extension(
            CHESS_OID,
            writePayloadRoot(
              xmlElement('move', { game: id, ...attributes }, [xmlElement('pgn', {}, [pgn])]),
              CHESS_NAMESPACE,
              1,
            ),
          ),
        ]),
      ).refused[0]?.error.code;
    // Replayed: the same message again, after it was applied.
    assert.equal(post.deliver(e4)[0]?.refused[0]?.error.code, 'CHESS_REPLAYED_MOVE');
    // Out of turn: Alice moves again although Black is to move.
    assert.equal(forged({ ply: '2', san: 'd4' }, pgnAfterE4), 'CHESS_OUT_OF_TURN');
    assert.equal(forged({ ply: '5', san: 'd4' }, pgnAfterE4), 'CHESS_OUT_OF_TURN');
    // From a third party.
    const carolMove = bob.engine.receive(
      incoming(verified(CAROL), BOB, [
        extension(
          CHESS_OID,
          writePayloadRoot(
            xmlElement('move', { game: id, ply: '2', san: 'e5' }, [
              xmlElement('pgn', {}, [pgnAfterE4]),
            ]),
            CHESS_NAMESPACE,
            1,
          ),
        ),
      ]),
    );
    assert.equal(carolMove.refused[0]?.error.code, 'CHESS_NOT_A_PLAYER');
    assert.equal(bob.store.get('chessGames', id), bobBefore);

    // Bob cannot move for White, nor illegally.
    assert.throws(() => playChessMove(bob.store, id, 'Ke2'), { code: 'CHESS_ILLEGAL_MOVE' });
    assert.throws(() => playChessMove(alice.store, id, 'd4'), { code: 'CHESS_OUT_OF_TURN' });
    assert.throws(() => playChessMove(alice.store, 'nope', 'd4'), { code: 'CHESS_UNKNOWN_GAME' });

    // Black's move arrives with an illegal SAN, then with a PGN that is not the game's.
    const e5 = move(post, bob, id, 'e5');
    const alicePgn = alice.store.get('chessGames', id)?.pgn ?? '';
    const aliceForged = (attributes: Record<string, string>, pgn: string) =>
      alice.engine.receive(
        incoming(verified(BOB), ALICE, [
          extension(
            CHESS_OID,
            writePayloadRoot(
              xmlElement('move', { game: id, ...attributes }, [xmlElement('pgn', {}, [pgn])]),
              CHESS_NAMESPACE,
              1,
            ),
          ),
        ]),
      ).refused[0]?.error.code;
    assert.equal(aliceForged({ ply: '2', san: 'Ke6' }, alicePgn), 'CHESS_ILLEGAL_MOVE');
    assert.equal(aliceForged({ ply: '2', san: 'e5' }, '1. d4 e5 *'), 'CHESS_PGN_MISMATCH');
    assert.equal(aliceForged({ ply: '2', san: 'e5' }, '1. e4 Kxe1 *'), 'CHESS_PGN_INVALID');
    assert.equal(alice.store.get('chessGames', id)?.plies, 1);
    // The real move still goes through.
    assert.deepEqual(deliverAndApprove(post, e5), []);
    assert.equal(alice.store.get('chessGames', id)?.plies, 2);
  });

  test('a move approved after the game moved on fails, stays pending, and applies nothing', () => {
    const { post, alice, bob } = town();
    const id = startAccepted(post, alice, bob, 'g1');
    const e4 = move(post, alice, id, 'e4');
    const [first] = post.deliver(e4);
    const [second] = post.deliver(e4);
    const one = first?.pending[0];
    const two = second?.pending[0];
    assert.ok(one && two, 'two deliveries with different message ids: two pending items');
    bob.engine.decide(one.id, { kind: 'approve' });
    const after = bob.store.get('chessGames', id);
    assert.throws(() => bob.engine.decide(two.id, { kind: 'approve' }), {
      code: 'CHESS_REPLAYED_MOVE',
    });
    assert.equal(bob.store.get('chessGames', id), after);
    assert.deepEqual(
      bob.engine.pendingItems().map((item) => item.id),
      [two.id],
    );
    assert.equal(bob.engine.auditLog().at(-1)?.action, 'failed');
  });

  test('several games at once stay apart', () => {
    const { post, alice, bob, carol } = town();
    const withBob = startAccepted(post, alice, bob, 'ab');
    const withCarol = startAccepted(post, carol, alice, 'ca', 'b');
    deliverAndApprove(post, move(post, alice, withBob, 'd4'));
    deliverAndApprove(post, move(post, alice, withCarol, 'e4'));
    deliverAndApprove(post, move(post, bob, withBob, 'Nf6'));
    deliverAndApprove(post, move(post, carol, withCarol, 'c5'));
    assert.deepEqual(
      alice.store
        .list('chessGames')
        .map((game) => [game.id, game.me, game.plies, game.pgn.split('\n').at(-1)]),
      [
        ['ab', 'w', 2, '1. d4 Nf6 *'],
        ['ca', 'w', 2, '1. e4 c5 *'],
      ],
    );
    // A move for one game cannot be replayed into the other.
    deliverAndApprove(post, move(post, alice, withBob, 'c4'));
    const stray = move(post, bob, withBob, 'e6');
    const rerouted: OutgoingMessage = {
      ...stray,
      headers: {
        ...stray.headers,
        extensions: stray.headers.extensions.map((element) => ({
          ...element,
          content: JSON.parse(
            JSON.stringify(element.content).replace('"ab"', '"ca"'),
          ) as typeof element.content,
        })),
      },
    };
    assert.equal(post.deliver(rerouted)[0]?.refused[0]?.error.code, 'CHESS_NOT_A_PLAYER');
  });

  test('resignation ends the game for both sides with the right result', async () => {
    const { post, alice, bob } = town();
    const id = startAccepted(post, alice, bob, 'g1');
    deliverAndApprove(post, move(post, alice, id, 'e4'));
    deliverAndApprove(post, bob.engine.initiate('chess', resignChessGame(bob.store, id)));
    assert.equal(alice.store.get('chessGames', id)?.status, '1-0');
    assert.equal(bob.store.get('chessGames', id)?.status, '1-0');
    const pgn = alice.store.get('chessGames', id)?.pgn ?? '';
    assert.match(pgn, /1\. e4 1-0$/);
    assert.ok((await checkPgn(pgn)).accepted);
    assert.throws(() => playChessMove(alice.store, id, 'd4'), { code: 'CHESS_GAME_OVER' });
  });

  test('a draw offer: approving accepts it; declining with a notice tells the offerer', async () => {
    const { post, alice, bob } = town();
    const id = startAccepted(post, alice, bob, 'g1');
    deliverAndApprove(post, move(post, alice, id, 'e4'));
    // Declined with a notice: the offer lapses on both sides.
    const [offer] = post.deliver(alice.engine.initiate('chess', offerChessDraw(alice.store, id)));
    const offerItem = offer?.pending[0];
    assert.ok(offerItem);
    assert.equal(bob.store.get('chessGames', id)?.status, 'active');
    const [notice] = bob.engine.decide(offerItem.id, { kind: 'decline', notify: true });
    assert.ok(notice);
    deliverAndApprove(post, notice);
    assert.equal(alice.store.get('chessGames', id)?.drawOfferedBy, undefined);
    // An acceptance with no offer standing is refused.
    const bogus = bob.engine.initiate('chess', {
      to: [ALICE],
      payload: {
        kind: 'drawAccept',
        game: id,
        ply: 1,
        pgn: bob.store.get('chessGames', id)?.pgn ?? '',
      },
      writes: [],
    });
    assert.equal(post.deliver(bogus)[0]?.refused[0]?.error.code, 'CHESS_NO_DRAW_OFFER');
    // Offered again and accepted.
    const accept = deliverAndApprove(
      post,
      alice.engine.initiate('chess', offerChessDraw(alice.store, id)),
    );
    assert.equal(accept.length, 1);
    assert.equal(bob.store.get('chessGames', id)?.status, '1/2-1/2');
    deliverAndApprove(post, accept[0] as OutgoingMessage);
    assert.equal(alice.store.get('chessGames', id)?.status, '1/2-1/2');
    assert.ok((await checkPgn(alice.store.get('chessGames', id)?.pgn ?? '')).accepted);
  });

  test('a declined challenge with a notice marks the game declined for the challenger', () => {
    const { post, alice, bob } = town();
    const [result] = post.deliver(
      alice.engine.initiate(
        'chess',
        startChessGame({ id: 'g1', me: ALICE, opponent: BOB, myColor: 'b', date: FIXED_NOW }),
      ),
    );
    const item = result?.pending[0];
    assert.ok(item);
    const [notice] = bob.engine.decide(item.id, { kind: 'decline', notify: true });
    assert.ok(notice);
    assert.equal(bob.store.get('chessGames', 'g1'), undefined);
    deliverAndApprove(post, notice);
    assert.equal(alice.store.get('chessGames', 'g1')?.status, 'declined');
    assert.throws(() => playChessMove(alice.store, 'g1', 'e4'), { code: 'CHESS_OUT_OF_TURN' });
  });

  test("a challenge's own tags never get into the stored game; moves carry canonical SAN", () => {
    const { post, alice, bob } = town();
    const tagged =
      '[Event "x"]\n[Date "2026.11.28"]\n[White "alice@one.example"]\n[Black "bob@two.example"]\n[Result "1-0"]\n[Annotator "mallory"]\n\n*';
    const challenge = (pgn: string, id: string) =>
      extension(
        CHESS_OID,
        writePayloadRoot(
          xmlElement('challenge', { game: id, ply: '0', white: ALICE, black: BOB }, [
            xmlElement('pgn', {}, [pgn]),
          ]),
          CHESS_NAMESPACE,
          1,
        ),
      );
    const [item] = bob.engine.receive(
      incoming(verified(ALICE), BOB, [challenge(tagged, 'g1')]),
    ).pending;
    assert.ok(item);
    bob.engine.decide(item.id, { kind: 'approve' });
    const stored = bob.store.get('chessGames', 'g1')?.pgn ?? '';
    assert.doesNotMatch(stored, /Annotator|1-0/);
    assert.match(stored, /\[Date "2026\.11\.28"\]/);
    const withMoves = '[White "alice@one.example"]\n[Black "bob@two.example"]\n\n1. e4 *';
    const refused = bob.engine.receive(
      incoming(verified(ALICE), BOB, [challenge(withMoves, 'g2')]),
    );
    assert.equal(refused.refused[0]?.error.code, 'CHESS_PGN_MISMATCH');
    const badDate = tagged.replace('2026.11.28', 'yesterday');
    const refusedDate = bob.engine.receive(
      incoming(verified(ALICE), BOB, [challenge(badDate, 'g3')]),
    );
    assert.equal(refusedDate.refused[0]?.error.code, 'CHESS_PGN_MISMATCH');
    // Coordinates typed by the user go out as SAN.
    const id = startAccepted(post, alice, bob, 'g4');
    const sent = alice.engine.initiate('chess', playChessMove(alice.store, id, 'g1f3'));
    const root = sent.headers.extensions[0]?.content[0];
    assert.ok(root !== undefined && typeof root !== 'string');
    assert.equal(root.attributes['san'], 'Nf3');
  });
});
