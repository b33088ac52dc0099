// Consent-engine throughput: receiving a request (it becomes a pending item) and
// approving one, and a whole chess game by mail between two engines (33 plies, each
// checked with chess.js on both sides). Run: npm run bench:extensions
import {
  ConsentEngine,
  MemoryConsentStore,
  RECIPIENT_EXTENSIONS,
  encodePayload,
  playChessMove,
  startChessGame,
  type IncomingMessage,
  type OutgoingMessage,
  type RecipientPayloads,
} from '../src/extensions/index.ts';

const RUN_MS = 1500;
const NOW = new Date('2026-11-28T12:00:00Z');
const OPERA_GAME =
  'e4 e5 Nf3 d6 d4 Bg4 dxe5 Bxf3 Qxf3 dxe5 Bc4 Nf6 Qb3 Qe7 Nc3 c6 Bg5 b5 Nxb5 cxb5 Bxb5+ Nbd7 O-O-O Rd8 Rxd7 Rxd7 Rd1 Qe6 Bxd7+ Nxd7 Qb8+ Nxb8 Rd8#'.split(
    ' ',
  );

/** Calls `work` repeatedly for about RUN_MS after a short warm-up; returns calls per second. */
function measure(work: () => void): number {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) work();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < RUN_MS) {
    work();
    calls += 1;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

function engine(
  address: string,
  vcard?: string,
): { engine: ConsentEngine<RecipientPayloads>; store: MemoryConsentStore } {
  const store = new MemoryConsentStore();
  const self = vcard === undefined ? { address } : { address, vcard };
  return {
    store,
    engine: new ConsentEngine<RecipientPayloads>({
      store,
      registry: RECIPIENT_EXTENSIONS,
      self: () => self,
      maxPendingItems: Number.MAX_SAFE_INTEGER,
    }),
  };
}

let sequence = 0;
function message(
  from: string,
  to: string,
  outgoing: Pick<OutgoingMessage, 'headers'>,
): IncomingMessage {
  return {
    messageId: `bench-${++sequence}@x.example`,
    sender: { address: from, verified: true, certificateFingerprint: 'fp' },
    recipient: to,
    receivedAt: NOW,
    headers: outgoing.headers,
  };
}

const request = {
  fields: [],
  extensions: [encodePayload(RECIPIENT_EXTENSIONS.vcard, { kind: 'request' })],
};
const card = 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Alice\r\nEMAIL:alice@x.example\r\nEND:VCARD\r\n';

const holder = engine('alice@x.example', card).engine;
const receiveRate = measure(() => {
  holder.receive(message('bob@x.example', 'alice@x.example', { headers: request }));
});

const approver = engine('alice@x.example', card).engine;
const approveRate = measure(() => {
  const [item] = approver.receive(
    message('bob@x.example', 'alice@x.example', { headers: request }),
  ).pending;
  if (item !== undefined) approver.decide(item.id, { kind: 'approve' });
});

/** Alice challenges Bob, Bob accepts, and they play the Opera game; each side approves each message. */
function chessGame(): void {
  const users = new Map([
    ['alice@x.example', engine('alice@x.example')],
    ['bob@x.example', engine('bob@x.example')],
  ]);
  const user = (address: string) => {
    const found = users.get(address);
    if (found === undefined) throw new Error(`no user ${address}`);
    return found;
  };
  const deliver = (outgoing: OutgoingMessage): void => {
    for (const to of outgoing.to) {
      const recipient = user(to).engine;
      for (const item of recipient.receive(message(outgoing.from, to, outgoing)).pending) {
        for (const reply of recipient.decide(item.id, { kind: 'approve' })) deliver(reply);
      }
    }
  };
  const alice = user('alice@x.example');
  const bob = user('bob@x.example');
  deliver(
    alice.engine.initiate(
      'chess',
      startChessGame({
        id: 'g',
        me: 'alice@x.example',
        opponent: 'bob@x.example',
        myColor: 'w',
        date: NOW,
      }),
    ),
  );
  OPERA_GAME.forEach((san, index) => {
    const mover = index % 2 === 0 ? alice : bob;
    deliver(mover.engine.initiate('chess', playChessMove(mover.store, 'g', san)));
  });
  if (alice.store.get('chessGames', 'g')?.status !== '1-0')
    throw new Error('the game did not end in mate');
}

const gameRate = measure(chessGame);

console.log(`receive a vCard request (held as pending):   ${receiveRate.toFixed(0)} /s`);
console.log(`receive + approve a vCard request:           ${approveRate.toFixed(0)} /s`);
console.log(
  `whole 33-ply chess game, both engines:       ${(1000 / gameRate).toFixed(1)} ms per game`,
);
