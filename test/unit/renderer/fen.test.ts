import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardOf, pieceName, pieceSymbol, type Square } from '../../../renderer/consent/fen.ts';

/** The square at `row` (0 = rank 8) and `column` (0 = file a). */
function at(board: Square[][], row: number, column: number): Square {
  const square = board[row]?.[column];
  assert.ok(square !== undefined, `no square at ${row},${column}`);
  return square;
}

test('the start position: 8 ranks of 8 squares, a8 first, pieces where FEN puts them', () => {
  const board = boardOf('rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1');
  assert.equal(board.length, 8);
  assert.ok(board.every((rank) => rank.length === 8));
  assert.equal(at(board, 0, 0).name, 'a8');
  assert.equal(at(board, 7, 4).name, 'e1');
  assert.equal(at(board, 7, 4).piece, 'K');
  assert.equal(at(board, 4, 4).piece, undefined);
  assert.equal(at(board, 7, 0).dark, true, 'a1 is dark');
  assert.equal(at(board, 7, 7).dark, false, 'h1 is light');
});

test("after fool's mate the black queen stands on h4", () => {
  const board = boardOf('rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3');
  assert.equal(at(board, 4, 7).name, 'h4');
  assert.equal(at(board, 4, 7).piece, 'q');
  assert.equal(pieceName('q'), 'black queen');
  assert.equal(pieceName('N'), 'white knight');
  assert.equal(pieceSymbol('q'), '♛');
});
