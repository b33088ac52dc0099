// What the user starts in chess: a challenge, a move, a resignation, a draw offer.
// Each returns the message payload and the state it writes (the user's own action is
// their consent); accepting a challenge or a draw goes through the consent engine.
import { ExtensionError } from '../recipient/errors.ts';
import type { UserAction } from '../recipient/spec.ts';
import { putState, type StateReader } from '../recipient/state.ts';
import { opponentOf, requireActive, requireGame } from './extension.ts';
import type { ChessColor, ChessGame } from './game-record.ts';
import type { ChessPayload } from './payload.ts';
import {
  finishGame,
  newGamePgn,
  playMove,
  sideToMove,
  winFor,
  otherSide,
} from './rules.internal.ts';

/** Options of {@link startChessGame}. */
export interface NewChessGame {
  /** Game id (a fresh UUID). */
  readonly id: string;
  /** The user's address. */
  readonly me: string;
  readonly opponent: string;
  readonly myColor: ChessColor;
  /** Start date, written into the PGN's Date tag. */
  readonly date: Date;
}

/** A message in `game`, from the user's side of it to the opponent. */
function action(game: ChessGame, payload: ChessPayload): UserAction<ChessPayload> {
  return {
    from: game.me === 'w' ? game.white : game.black,
    to: [opponentOf(game)],
    payload,
    writes: [putState('chessGames', game.id, game)],
  };
}

/** Challenges `opponent` to a new game. */
export function startChessGame(options: NewChessGame): UserAction<ChessPayload> {
  const white = options.myColor === 'w' ? options.me : options.opponent;
  const black = options.myColor === 'w' ? options.opponent : options.me;
  const pgn = newGamePgn(white, black, options.date);
  const game: ChessGame = {
    id: options.id,
    white,
    black,
    me: options.myColor,
    pgn,
    plies: 0,
    status: 'challenged',
  };
  return action(game, { kind: 'challenge', game: game.id, ply: 0, pgn, white, black });
}

function activeGame(state: StateReader, id: string): ChessGame {
  const game = requireGame({ state }, id);
  requireActive(game);
  return game;
}

/**
 * Plays `san` for the user in game `id` (the message carries chess.js's canonical SAN);
 * refused when it is not the user's turn or illegal.
 */
export function playChessMove(
  state: StateReader,
  id: string,
  san: string,
): UserAction<ChessPayload> {
  const game = activeGame(state, id);
  if (sideToMove(game) !== game.me) {
    throw new ExtensionError('CHESS_OUT_OF_TURN', `it is not your turn in game ${id}`);
  }
  const played = playMove(game, san);
  const next = played.game;
  return action(next, { kind: 'move', game: id, ply: next.plies, san: played.san, pgn: next.pgn });
}

/** Resigns game `id`. */
export function resignChessGame(state: StateReader, id: string): UserAction<ChessPayload> {
  const game = activeGame(state, id);
  const over = finishGame(game, winFor(otherSide(game.me)));
  return action(over, { kind: 'resign', game: id, ply: game.plies, pgn: over.pgn });
}

/** Offers a draw in game `id`; it stands until answered or until either side moves. */
export function offerChessDraw(state: StateReader, id: string): UserAction<ChessPayload> {
  const game = activeGame(state, id);
  const offered: ChessGame = { ...game, drawOfferedBy: game.me };
  return action(offered, { kind: 'drawOffer', game: id, ply: game.plies, pgn: game.pgn });
}
