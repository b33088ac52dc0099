// The chess-by-mail recipient extension: what each incoming chess message would do to
// the game it names, checked against the stored game before anything is applied.
import { CHESS_OID } from '../oids.ts';
import { ExtensionError } from '../recipient/errors.ts';
import type { HandlerContext, HandlerOutcome, RecipientExtension } from '../recipient/spec.ts';
import { addressKey, putState } from '../recipient/state.ts';
import type { ChessColor, ChessGame } from './game-record.ts';
import { CHESS_NAMESPACE, decodeChess, encodeChess, type ChessPayload } from './payload.ts';
import {
  PGN_DATE_PATTERN,
  checkSamePgn,
  finishGame,
  loadPgn,
  newGamePgn,
  otherSide,
  playMove,
  sideToMove,
  winFor,
} from './rules.internal.ts';

const COLOR_NAMES: Record<ChessColor, string> = { w: 'white', b: 'black' };

/** The game `id`, or CHESS_UNKNOWN_GAME. */
export function requireGame(context: Pick<HandlerContext, 'state'>, id: string): ChessGame {
  const game = context.state.get('chessGames', id);
  if (game === undefined) throw new ExtensionError('CHESS_UNKNOWN_GAME', `no chess game ${id}`);
  return game;
}

/** The opponent's address in `game`. */
export function opponentOf(game: ChessGame): string {
  return game.me === 'w' ? game.black : game.white;
}

/** Refuses a game that is not in play. */
export function requireActive(game: ChessGame): void {
  if (game.status === 'active') return;
  if (game.status === 'challenged' || game.status === 'declined') {
    throw new ExtensionError('CHESS_OUT_OF_TURN', `game ${game.id} has not started`);
  }
  throw new ExtensionError('CHESS_GAME_OVER', `game ${game.id} is over (${game.status})`);
}

/** Refuses a message whose ply is not the game's current one. */
function requirePly(game: ChessGame, ply: number): void {
  if (ply < game.plies) {
    throw new ExtensionError(
      'CHESS_REPLAYED_MOVE',
      `ply ${ply} is already past (game at ${game.plies})`,
    );
  }
  if (ply > game.plies) {
    throw new ExtensionError(
      'CHESS_OUT_OF_TURN',
      `ply ${ply} is ahead of the game (at ${game.plies})`,
    );
  }
}

function opponentGame(payload: ChessPayload, context: HandlerContext): ChessGame {
  const game = requireGame(context, payload.game);
  if (addressKey(context.message.sender.address) !== addressKey(opponentOf(game))) {
    throw new ExtensionError(
      'CHESS_NOT_A_PLAYER',
      `${context.message.sender.address} is not the opponent in game ${game.id}`,
    );
  }
  return game;
}

function outcome(
  summary: string,
  game: ChessGame,
  replies: HandlerOutcome<ChessPayload>['replies'] = [],
): HandlerOutcome<ChessPayload> {
  return { summary, replies, writes: [putState('chessGames', game.id, game)] };
}

function handleChallenge(
  payload: Extract<ChessPayload, { kind: 'challenge' }>,
  context: HandlerContext,
): HandlerOutcome<ChessPayload> {
  if (context.state.get('chessGames', payload.game) !== undefined) {
    throw new ExtensionError('CHESS_GAME_EXISTS', `game ${payload.game} exists already`);
  }
  const sender = addressKey(context.message.sender.address);
  // The address the challenge came to: with several accounts, not always the first.
  const self = addressKey(context.message.recipient);
  const players = [addressKey(payload.white), addressKey(payload.black)];
  const me: ChessColor | undefined =
    players[0] === self && players[1] === sender
      ? 'w'
      : players[1] === self && players[0] === sender
        ? 'b'
        : undefined;
  if (me === undefined) {
    throw new ExtensionError(
      'CHESS_NOT_A_PLAYER',
      'the challenge is not between its sender and this user',
    );
  }
  if (payload.ply !== 0)
    throw new ExtensionError('CHESS_OUT_OF_TURN', 'a challenge starts at ply 0');
  const chess = loadPgn(payload.pgn);
  const headers = chess.getHeaders();
  const date = headers['Date'] ?? '????.??.??';
  if (
    chess.history().length !== 0 ||
    headers['White'] !== payload.white ||
    headers['Black'] !== payload.black ||
    !PGN_DATE_PATTERN.test(date)
  ) {
    throw new ExtensionError(
      'CHESS_PGN_MISMATCH',
      'a challenge carries the empty game of its two players',
    );
  }
  // The stored PGN is built here, not taken from the message: only the players and
  // the date come from the challenger, so no tag of theirs (a Result, say) gets in.
  const game: ChessGame = {
    id: payload.game,
    white: payload.white,
    black: payload.black,
    me,
    pgn: newGamePgn(payload.white, payload.black, date),
    plies: 0,
    status: 'active',
  };
  const accept: ChessPayload = { kind: 'accept', game: game.id, ply: 0, pgn: game.pgn };
  return outcome(
    `${context.message.sender.address} challenges you to a game of chess; you play ${COLOR_NAMES[me]}`,
    game,
    [{ to: context.message.sender.address, payload: accept }],
  );
}

function handleMove(
  payload: Extract<ChessPayload, { kind: 'move' }>,
  context: HandlerContext,
): HandlerOutcome<ChessPayload> {
  const game = opponentGame(payload, context);
  requireActive(game);
  if (payload.ply <= game.plies) {
    throw new ExtensionError('CHESS_REPLAYED_MOVE', `ply ${payload.ply} was already played`);
  }
  if (payload.ply > game.plies + 1 || sideToMove(game) === game.me) {
    throw new ExtensionError('CHESS_OUT_OF_TURN', `ply ${payload.ply} is not the opponent's turn`);
  }
  const next = playMove(game, payload.san).game;
  checkSamePgn(payload.pgn, next);
  const ending = next.status === 'active' ? '' : ` (game over: ${next.status})`;
  return outcome(`${opponentOf(game)} plays ${payload.san} in game ${game.id}${ending}`, next);
}

function handleAnswerToChallenge(
  payload: Extract<ChessPayload, { kind: 'accept' | 'decline' }>,
  context: HandlerContext,
): HandlerOutcome<ChessPayload> {
  const game = opponentGame(payload, context);
  if (game.status !== 'challenged') {
    throw new ExtensionError('CHESS_REPLAYED_MOVE', `game ${game.id} was already answered`);
  }
  requirePly(game, payload.ply);
  checkSamePgn(payload.pgn, game);
  const status = payload.kind === 'accept' ? 'active' : 'declined';
  return outcome(`${opponentOf(game)} ${payload.kind}s your challenge`, { ...game, status });
}

function handleEnding(
  payload: Extract<ChessPayload, { kind: 'resign' | 'drawOffer' | 'drawAccept' | 'drawDecline' }>,
  context: HandlerContext,
): HandlerOutcome<ChessPayload> {
  const game = opponentGame(payload, context);
  requireActive(game);
  requirePly(game, payload.ply);
  checkSamePgn(payload.pgn, game);
  const opponent = opponentOf(game);
  const them = otherSide(game.me);
  switch (payload.kind) {
    case 'resign':
      return outcome(`${opponent} resigns game ${game.id}`, finishGame(game, winFor(game.me)));
    case 'drawOffer': {
      const drawn = finishGame(game, '1/2-1/2');
      const accept: ChessPayload = {
        kind: 'drawAccept',
        game: game.id,
        ply: game.plies,
        pgn: drawn.pgn,
      };
      return outcome(`${opponent} offers a draw in game ${game.id}`, drawn, [
        { to: opponent, payload: accept },
      ]);
    }
    case 'drawAccept':
    case 'drawDecline': {
      if (game.drawOfferedBy !== game.me) {
        throw new ExtensionError(
          'CHESS_NO_DRAW_OFFER',
          `you have no draw offer standing in game ${game.id}`,
        );
      }
      if (payload.kind === 'drawAccept') {
        return outcome(`${opponent} accepts your draw offer`, finishGame(game, '1/2-1/2'));
      }
      const { drawOfferedBy: _declined, ...rest } = game;
      return outcome(`${opponent} (${COLOR_NAMES[them]}) declines your draw offer`, rest);
    }
  }
}

/** Chess by mail: challenges, moves, resignation and draws, each checked against the game. */
export const chessExtension: RecipientExtension<ChessPayload> = {
  oid: CHESS_OID,
  version: 1,
  critical: false,
  namespace: CHESS_NAMESPACE,
  decode: decodeChess,
  encode: encodeChess,
  subject(payload) {
    switch (payload.kind) {
      case 'challenge':
        return `Chess: ${payload.white} (white) v ${payload.black} (black)`;
      case 'move':
        return `Chess: ply ${payload.ply}, ${payload.san}`;
      default:
        return `Chess: ${payload.kind}`;
    }
  },
  handle(payload, context) {
    switch (payload.kind) {
      case 'challenge':
        return handleChallenge(payload, context);
      case 'move':
        return handleMove(payload, context);
      case 'accept':
      case 'decline':
        return handleAnswerToChallenge(payload, context);
      default:
        return handleEnding(payload, context);
    }
  },
  declineNotice(payload, context) {
    const to = context.message.sender.address;
    if (payload.kind === 'challenge') {
      return { to, payload: { kind: 'decline', game: payload.game, ply: 0, pgn: payload.pgn } };
    }
    if (payload.kind === 'drawOffer') {
      return {
        to,
        payload: { kind: 'drawDecline', game: payload.game, ply: payload.ply, pgn: payload.pgn },
      };
    }
    return undefined;
  },
};
