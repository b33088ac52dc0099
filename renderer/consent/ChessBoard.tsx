import { useState } from 'react';
import {
  PROMOTIONS,
  boardOf,
  isPromotion,
  pieceName,
  pieceSymbol,
  promotionName,
  type Promotion,
} from './fen.ts';

/** The four pieces a pawn on its last rank can become; the move is sent once one is picked. */
function PromotionPicker({
  white,
  onPick,
  onCancel,
}: {
  white: boolean;
  onPick: (piece: Promotion) => void;
  onCancel: () => void;
}) {
  return (
    <div role="group" aria-label="Promote the pawn to" className="promotion-picker">
      Promote to{' '}
      {PROMOTIONS.map((piece) => (
        <button
          type="button"
          className="promotion-piece"
          key={piece}
          aria-label={promotionName(piece)}
          onClick={() => {
            onPick(piece);
          }}
        >
          {pieceSymbol(white ? piece.toUpperCase() : piece)}
        </button>
      ))}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/**
 * A chess board of buttons, one per square: pick a square, then its destination (and,
 * for a pawn reaching the last rank, the piece it becomes). The move goes to the engine
 * as squares ("e2e4", "e7e8q"); the engine says whether it is legal.
 */
export function ChessBoard({
  fen,
  flipped,
  disabled,
  onMove,
}: {
  fen: string;
  flipped: boolean;
  disabled: boolean;
  onMove: (move: string) => void;
}) {
  const [from, setFrom] = useState<string>();
  const [promoting, setPromoting] = useState<{ move: string; white: boolean }>();
  const rows = boardOf(fen);
  const pieceOn = (name: string) => rows.flat().find((square) => square.name === name)?.piece;
  const ordered = flipped ? rows.map((row) => [...row].reverse()).reverse() : rows;
  const pick = (square: string) => {
    if (from === undefined) setFrom(square);
    else if (from === square) setFrom(undefined);
    else {
      setFrom(undefined);
      const piece = pieceOn(from);
      if (isPromotion(piece, square))
        setPromoting({ move: `${from}${square}`, white: piece === 'P' });
      else onMove(`${from}${square}`);
    }
  };
  return (
    <>
      <div className="chess-board" role="grid" aria-label="Chess board">
        {ordered.map((row, index) => (
          <div role="row" key={index} className="chess-rank">
            {row.map((square) => (
              <button
                type="button"
                role="gridcell"
                key={square.name}
                disabled={disabled || promoting !== undefined}
                aria-pressed={from === square.name}
                aria-label={
                  square.piece === undefined
                    ? square.name
                    : `${square.name} ${pieceName(square.piece)}`
                }
                className={`chess-square ${square.dark ? 'dark' : 'light'}${from === square.name ? ' picked' : ''}`}
                onClick={() => {
                  pick(square.name);
                }}
              >
                {square.piece === undefined ? '' : pieceSymbol(square.piece)}
              </button>
            ))}
          </div>
        ))}
      </div>
      {promoting === undefined ? null : (
        <PromotionPicker
          white={promoting.white}
          onPick={(piece) => {
            setPromoting(undefined);
            onMove(`${promoting.move}${piece}`);
          }}
          onCancel={() => {
            setPromoting(undefined);
          }}
        />
      )}
    </>
  );
}
