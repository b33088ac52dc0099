// Chess rules through chess.js: building, loading and extending a game's PGN. Every
// position is rebuilt from the stored PGN, so the PGN is the one source of truth.
import { Chess } from 'chess.js';
import { ExtensionError } from '../recipient/errors.ts';
import type { ChessColor, ChessGame, ChessResult, ChessStatus } from './game-record.ts';

/** PGN's unknown-date placeholder is not needed: games carry their start date. */
function pgnDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}.${iso.slice(5, 7)}.${iso.slice(8, 10)}`;
}

/** A PGN Date tag value: `YYYY.MM.DD`, with `??` for unknown parts. */
export const PGN_DATE_PATTERN = /^(?:[0-9]{4}|\?{4})\.(?:[0-9]{2}|\?\?)\.(?:[0-9]{2}|\?\?)$/;

/**
 * The PGN of a new game between `white` and `black` started on `date` (a Date, or a
 * PGN Date tag value): no moves, result `*`. Both players build the same text.
 */
export function newGamePgn(white: string, black: string, date: Date | string): string {
  const chess = new Chess();
  chess.setHeader('Event', 'MT2 chess by mail');
  chess.setHeader('Site', 'MT2');
  chess.setHeader('Date', typeof date === 'string' ? date : pgnDate(date));
  chess.setHeader('Round', '-');
  chess.setHeader('White', white);
  chess.setHeader('Black', black);
  chess.setHeader('Result', '*');
  return chess.pgn();
}

/** Loads `pgn` into chess.js; an unreadable PGN is CHESS_PGN_INVALID. */
export function loadPgn(pgn: string): Chess {
  const chess = new Chess();
  try {
    chess.loadPgn(pgn);
  } catch (error) {
    throw new ExtensionError(
      'CHESS_PGN_INVALID',
      `PGN cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return chess;
}

/** The side to move in `game`. */
export function sideToMove(game: ChessGame): ChessColor {
  return loadPgn(game.pgn).turn();
}

/** The other side. */
export function otherSide(color: ChessColor): ChessColor {
  return color === 'w' ? 'b' : 'w';
}

/** The result in which `winner` wins. */
export function winFor(winner: ChessColor): ChessResult {
  return winner === 'w' ? '1-0' : '0-1';
}

function statusAfterMove(chess: Chess): ChessStatus {
  if (chess.isCheckmate()) return winFor(otherSide(chess.turn()));
  if (chess.isGameOver()) return '1/2-1/2';
  return 'active';
}

/**
 * `game` with `move` played by the side to move: the new game (PGN with its Result tag
 * when the move ends the game, ply count, status; a standing draw offer lapses) and the
 * move in chess.js's canonical SAN. An illegal move is CHESS_ILLEGAL_MOVE.
 */
export function playMove(game: ChessGame, move: string): { game: ChessGame; san: string } {
  const chess = loadPgn(game.pgn);
  let san: string;
  try {
    san = chess.move(move).san;
  } catch {
    throw new ExtensionError('CHESS_ILLEGAL_MOVE', `${move} is not a legal move in this position`);
  }
  const status = statusAfterMove(chess);
  if (status !== 'active') chess.setHeader('Result', status);
  const { drawOfferedBy: _lapsed, ...rest } = game;
  return { game: { ...rest, pgn: chess.pgn(), plies: game.plies + 1, status }, san };
}

/** `game` ended with `result` (resignation or agreed draw), the Result tag set to match. */
export function finishGame(game: ChessGame, result: ChessResult): ChessGame {
  const chess = loadPgn(game.pgn);
  chess.setHeader('Result', result);
  const { drawOfferedBy: _settled, ...rest } = game;
  return { ...rest, pgn: chess.pgn(), status: result };
}

/**
 * Checks that a message's PGN has exactly the moves of `expected` and the same
 * players; otherwise CHESS_PGN_MISMATCH (the sender's game and ours differ).
 */
export function checkSamePgn(messagePgn: string, expected: ChessGame): void {
  const theirs = loadPgn(messagePgn);
  const ours = loadPgn(expected.pgn);
  const theirHeaders = theirs.getHeaders();
  const same =
    theirHeaders['White'] === expected.white &&
    theirHeaders['Black'] === expected.black &&
    theirs.history().join(' ') === ours.history().join(' ');
  if (!same) {
    throw new ExtensionError(
      'CHESS_PGN_MISMATCH',
      `the message's game (${theirs.history().length} plies) differs from ours (${expected.plies} plies)`,
    );
  }
}
