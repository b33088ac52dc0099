import { Chess } from 'chess.js';
import type { ChessGameView } from '../../api/index.ts';
import type { ChessGame } from '../../extensions/index.ts';

/**
 * A stored game as the UI draws it: the record plus the position from its PGN, and the
 * opponent's pending draw offer, if any.
 */
export function chessGameView(game: ChessGame, drawOfferRequest?: string): ChessGameView {
  const chess = new Chess();
  chess.loadPgn(game.pgn);
  return {
    id: game.id,
    white: game.white,
    black: game.black,
    me: game.me,
    status: game.status,
    pgn: game.pgn,
    plies: game.plies,
    fen: chess.fen(),
    turn: chess.turn(),
    ...(game.drawOfferedBy === undefined ? {} : { drawOfferedBy: game.drawOfferedBy }),
    ...(drawOfferRequest === undefined ? {} : { drawOfferRequest }),
  };
}
