/** A side in chess.js terms: white `w`, black `b`. */
export type ChessColor = 'w' | 'b';

/**
 * Where a game stands: `challenged` (the user challenged and awaits the answer),
 * `declined` (the opponent said no), `active`, or finished with a PGN result.
 */
export type ChessStatus = 'challenged' | 'declined' | 'active' | ChessResult;

/** A finished game's result, as in PGN. */
export type ChessResult = '1-0' | '0-1' | '1/2-1/2';

/** A chess game by mail, as stored (collection `chessGames`, keyed by `id`). */
export interface ChessGame {
  /** Game id, chosen by the challenger (a UUID); every message of the game carries it. */
  readonly id: string;
  readonly white: string;
  readonly black: string;
  /** The user's side. */
  readonly me: ChessColor;
  /** The full PGN, headers and moves (the source of truth for the position). */
  readonly pgn: string;
  /** Half-moves played so far. */
  readonly plies: number;
  readonly status: ChessStatus;
  /** The side whose draw offer stands, if any. */
  readonly drawOfferedBy?: ChessColor;
}
