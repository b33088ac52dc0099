// The chess payloads and their XML. Every message carries the game id, the ply (half-
// move) number and the full PGN, so a receiver can check it against its own game.
import type { XmlElement } from '../../message/index.ts';
import { ExtensionError } from '../recipient/errors.ts';
import {
  integerAttribute,
  requiredAttribute,
  requiredChild,
  textContent,
  childElements,
  xmlElement,
} from '../recipient/xml-payload.ts';

/** Namespace of the chess payloads. */
export const CHESS_NAMESPACE = 'urn:mt2:ext:chess';

/** Longest PGN accepted, in characters (64 Ki: a 300-move game is about 3 Ki). */
export const MAX_PGN_CHARS = 64 * 1024;

/** Highest ply number accepted (chess.js and the 75-move rule end games long before). */
export const MAX_PLY = 2000;

/** Game ids: letters, digits and hyphens (a UUID), 1 to 64 characters. */
export const GAME_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

const SAN_PATTERN = /^(?:O-O(?:-O)?|[KQRBN]?[a-h]?[1-8]?x?[a-h][1-8](?:=[QRBN])?)[+#]?$/;
const ADDRESS_PATTERN = /^[^\s@<>"]+@[^\s@<>"]+$/;

/** What every chess message carries. */
interface ChessCommon {
  readonly game: string;
  /** Half-moves played in the game after this message's own move (0 before the first). */
  readonly ply: number;
  /** The whole game as PGN, including this message's own move. */
  readonly pgn: string;
}

/**
 * The chess payloads. Requests: `challenge`, `move`, `resign`, `drawOffer`; answers:
 * `accept` / `decline` (to a challenge), `drawAccept` / `drawDecline` (to an offer).
 */
export type ChessPayload =
  | (ChessCommon & { readonly kind: 'challenge'; readonly white: string; readonly black: string })
  | (ChessCommon & { readonly kind: 'accept' })
  | (ChessCommon & { readonly kind: 'decline' })
  | (ChessCommon & { readonly kind: 'move'; readonly san: string })
  | (ChessCommon & { readonly kind: 'resign' })
  | (ChessCommon & { readonly kind: 'drawOffer' })
  | (ChessCommon & { readonly kind: 'drawAccept' })
  | (ChessCommon & { readonly kind: 'drawDecline' });

const KINDS: readonly ChessPayload['kind'][] = [
  'challenge',
  'accept',
  'decline',
  'move',
  'resign',
  'drawOffer',
  'drawAccept',
  'drawDecline',
];

/** Reads a chess payload root. Throws EXTENSION_PAYLOAD_INVALID naming the fault. */
export function decodeChess(root: XmlElement): ChessPayload {
  const path = `/${root.name}`;
  const kind = KINDS.find((candidate) => candidate === root.name);
  if (kind === undefined) {
    throw new ExtensionError(
      'EXTENSION_PAYLOAD_INVALID',
      `unknown chess message '${root.name}'`,
      path,
    );
  }
  childElements(root, path, ['pgn']);
  const common: ChessCommon = {
    game: requiredAttribute(root, 'game', path, { pattern: GAME_ID_PATTERN }),
    ply: integerAttribute(root, 'ply', path, 0, MAX_PLY),
    pgn: textContent(requiredChild(root, 'pgn', path), `${path}/pgn`, { maxChars: MAX_PGN_CHARS }),
  };
  switch (kind) {
    case 'challenge':
      return {
        ...common,
        kind,
        white: requiredAttribute(root, 'white', path, { pattern: ADDRESS_PATTERN }),
        black: requiredAttribute(root, 'black', path, { pattern: ADDRESS_PATTERN }),
      };
    case 'move':
      return {
        ...common,
        kind,
        san: requiredAttribute(root, 'san', path, { pattern: SAN_PATTERN }),
      };
    default:
      return { ...common, kind };
  }
}

/** Writes a chess payload as its root element. */
export function encodeChess(payload: ChessPayload): XmlElement {
  const attributes: Record<string, string> = { game: payload.game, ply: String(payload.ply) };
  if (payload.kind === 'challenge') {
    attributes['white'] = payload.white;
    attributes['black'] = payload.black;
  }
  if (payload.kind === 'move') attributes['san'] = payload.san;
  return xmlElement(payload.kind, attributes, [xmlElement('pgn', {}, [payload.pgn])]);
}
