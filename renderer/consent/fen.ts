// The board of a FEN position, for drawing: piece placement only (the engine checks moves).

export interface Square {
  /** Algebraic name, "e4". */
  readonly name: string;
  /** FEN letter of the piece on it ("P" white pawn, "k" black king), or undefined. */
  readonly piece?: string;
  readonly dark: boolean;
}

const FILES = 'abcdefgh';
const PIECE_NAMES: Readonly<Record<string, string>> = {
  p: 'pawn',
  n: 'knight',
  b: 'bishop',
  r: 'rook',
  q: 'queen',
  k: 'king',
};
const SYMBOLS: Readonly<Record<string, string>> = {
  K: '♔',
  Q: '♕',
  R: '♖',
  B: '♗',
  N: '♘',
  P: '♙',
  k: '♚',
  q: '♛',
  r: '♜',
  b: '♝',
  n: '♞',
  p: '♟',
};

/** Ranks from 8 down to 1, files a to h: as white sees the board. */
export function boardOf(fen: string): Square[][] {
  const placement = fen.split(' ')[0] ?? '';
  return placement.split('/').map((row, rowIndex) => {
    const squares: Square[] = [];
    for (const char of row) {
      const empty = Number.parseInt(char, 10);
      const count = Number.isNaN(empty) ? 1 : empty;
      for (let i = 0; i < count; i++) {
        const file = squares.length;
        const rank = 8 - rowIndex;
        squares.push({
          name: `${FILES[file] ?? '?'}${rank}`,
          ...(Number.isNaN(empty) ? { piece: char } : {}),
          dark: (file + rank) % 2 === 1,
        });
      }
    }
    return squares;
  });
}

export function pieceName(piece: string): string {
  const colour = piece === piece.toUpperCase() ? 'white' : 'black';
  return `${colour} ${PIECE_NAMES[piece.toLowerCase()] ?? piece}`;
}

export function pieceSymbol(piece: string): string {
  return SYMBOLS[piece] ?? piece;
}

/** The pieces a pawn can become, as the engine's move suffix ("e7e8q"). */
export const PROMOTIONS = ['q', 'r', 'b', 'n'] as const;
export type Promotion = (typeof PROMOTIONS)[number];

export function promotionName(piece: Promotion): string {
  return PIECE_NAMES[piece] ?? piece;
}

/** Whether moving `piece` to `to` is a pawn reaching its last rank (a promotion). */
export function isPromotion(piece: string | undefined, to: string): boolean {
  return (piece === 'P' && to.endsWith('8')) || (piece === 'p' && to.endsWith('1'));
}
