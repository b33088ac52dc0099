import { useState } from 'react';
import type { ChessGameView } from '../../src/api/index.ts';
import { useApi } from '../api/context.tsx';
import { ErrorAlert } from '../app/ErrorAlert.tsx';
import { ChessBoard } from './ChessBoard.tsx';
import { useAction, useConsentData } from './use-call.ts';

function statusText(game: ChessGameView): string {
  switch (game.status) {
    case 'challenged':
      return 'waiting for the opponent to accept';
    case 'declined':
      return 'the opponent declined';
    case 'active':
      return game.turn === game.me ? 'your move' : "opponent's move";
    case '1/2-1/2':
      return 'draw';
    default:
      return `finished ${game.status}`;
  }
}

/** The opponent's draw offer, answered here: accepting approves it, declining tells them. */
function DrawOffer({
  request,
  opponent,
  reload,
}: {
  request: string;
  opponent: string;
  reload: () => void;
}) {
  const api = useApi();
  const { error, run } = useAction();
  const answer = (decision: 'approve' | 'decline') =>
    run(
      () =>
        api.call('decideConsent', {
          id: request,
          decision,
          notifySender: decision === 'decline',
        }),
      reload,
    );
  return (
    <div role="group" aria-label="Draw offer" className="draw-offer">
      <p>{opponent} offers a draw.</p>
      <button type="button" onClick={() => void answer('approve')}>
        Accept draw
      </button>{' '}
      <button type="button" onClick={() => void answer('decline')}>
        Decline draw
      </button>
      <ErrorAlert message={error} />
    </div>
  );
}

function Game({ game, reload }: { game: ChessGameView; reload: () => void }) {
  const api = useApi();
  const { error, run } = useAction();
  const opponent = game.me === 'w' ? game.black : game.white;
  const myTurn = game.status === 'active' && game.turn === game.me;
  return (
    <article className="chess-game" aria-label={`Chess game with ${opponent}`}>
      <h3>
        Chess with {opponent}: you play {game.me === 'w' ? 'white' : 'black'}
      </h3>
      <p role="status" className="chess-status">
        {statusText(game)}
      </p>
      {game.drawOfferRequest === undefined ? null : (
        <DrawOffer request={game.drawOfferRequest} opponent={opponent} reload={reload} />
      )}
      <ChessBoard
        fen={game.fen}
        flipped={game.me === 'b'}
        disabled={game.status !== 'active'}
        onMove={(move) => void run(() => api.call('chessMove', { game: game.id, move }), reload)}
      />
      <div className="actions">
        <button
          type="button"
          disabled={game.status !== 'active'}
          onClick={() => void run(() => api.call('chessResign', { game: game.id }), reload)}
        >
          Resign
        </button>
        <button
          type="button"
          disabled={!myTurn}
          onClick={() => void run(() => api.call('chessOfferDraw', { game: game.id }), reload)}
        >
          Offer a draw
        </button>
      </div>
      <ErrorAlert message={error} />
      <details>
        <summary>PGN</summary>
        <pre className="pgn">{game.pgn}</pre>
      </details>
    </article>
  );
}

/** The user's chess games, and a form to challenge someone. */
export function ChessGames() {
  const api = useApi();
  const { data, error, reload } = useConsentData('listChessGames', {});
  const action = useAction();
  const [opponent, setOpponent] = useState('');
  const [color, setColor] = useState<'w' | 'b'>('w');
  return (
    <section aria-label="Chess games">
      <h2>Chess by mail</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void action.run(() => api.call('startChessGame', { opponent, color }), reload);
        }}
      >
        <label>
          Opponent{' '}
          <input
            type="email"
            value={opponent}
            required
            onChange={(event) => {
              setOpponent(event.target.value);
            }}
          />
        </label>{' '}
        <label>
          I play{' '}
          <select
            value={color}
            onChange={(event) => {
              setColor(event.target.value === 'b' ? 'b' : 'w');
            }}
          >
            <option value="w">white</option>
            <option value="b">black</option>
          </select>
        </label>{' '}
        <button type="submit">Challenge</button>
      </form>
      <ErrorAlert message={action.error ?? error} />
      {data?.map((game) => (
        <Game key={game.id} game={game} reload={reload} />
      ))}
    </section>
  );
}
