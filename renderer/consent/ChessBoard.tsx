import { useState } from 'react';
import { boardOf, pieceName, pieceSymbol } from './fen.ts';

/**
 * A chess board of buttons, one per square: pick a square, then its destination. The
 * move goes to the engine as squares ("e2e4"); the engine says whether it is legal.
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
  const rows = boardOf(fen);
  const ordered = flipped ? rows.map((row) => [...row].reverse()).reverse() : rows;
  const pick = (square: string) => {
    if (from === undefined) setFrom(square);
    else if (from === square) setFrom(undefined);
    else {
      setFrom(undefined);
      onMove(`${from}${square}`);
    }
  };
  return (
    <div className="chess-board" role="grid" aria-label="Chess board">
      {ordered.map((row, index) => (
        <div role="row" key={index} className="chess-rank">
          {row.map((square) => (
            <button
              type="button"
              role="gridcell"
              key={square.name}
              disabled={disabled}
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
  );
}
