// The worm test (issue 7): a request whose approval makes each recipient send the
// same request to all of their contacts. Several engines, one per simulated user, on
// a simulated network that delivers every outgoing message at once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConsentEngine,
  MemoryConsentStore,
  writePayloadRoot,
  xmlElement,
  type OutgoingMessage,
  type SenderIdentity,
} from '../../../src/extensions/index.ts';
import {
  FORWARD_OID,
  forwardingExtension,
  type ForwardPayloads,
} from './fixtures/forwarding-extension.ts';
import {
  FIXED_NOW,
  addContacts,
  deliver,
  extension,
  incoming,
  stateSnapshot,
} from './fixtures/mail.ts';

const USERS = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'].map((name) => `${name}@town.example`);
/** Stops the control case, where spreading is allowed, from running forever. */
const MAX_DELIVERIES = 200;

interface Town {
  readonly engines: Map<string, ConsentEngine<ForwardPayloads>>;
  readonly stores: Map<string, MemoryConsentStore>;
}

/** Six users; everyone has everyone else as a contact. */
function buildTown(policy: 'ask' | 'always'): Town {
  const engines = new Map<string, ConsentEngine<ForwardPayloads>>();
  const stores = new Map<string, MemoryConsentStore>();
  for (const address of USERS) {
    const store = new MemoryConsentStore();
    addContacts(
      store,
      USERS.filter((other) => other !== address),
    );
    let next = 0;
    const engine = new ConsentEngine<ForwardPayloads>({
      store,
      registry: { forward: forwardingExtension },
      self: () => ({ address }),
      clock: () => FIXED_NOW,
      newId: () => `${address}-${++next}`,
    });
    if (policy === 'always')
      engine.setPolicy({ kind: 'extension', extension: 'forward' }, 'always');
    engines.set(address, engine);
    stores.set(address, store);
  }
  return { engines, stores };
}

/**
 * Delivers `initial` and everything it causes. `identityOf` says how each sender looks
 * to its recipients. Returns the messages the users' engines produced.
 */
function run(
  town: Town,
  first: { to: readonly string[]; sender: SenderIdentity },
  identityOf: (address: string) => SenderIdentity,
): OutgoingMessage[] {
  const produced: OutgoingMessage[] = [];
  const request = extension(
    FORWARD_OID,
    writePayloadRoot(xmlElement('spread', { generation: '0' }), 'urn:test:forward', 1),
  );
  const queue = first.to.map((to) => incoming(first.sender, to, [request]));
  let deliveries = 0;
  while (queue.length > 0 && deliveries < MAX_DELIVERIES) {
    const message = queue.shift();
    assert.ok(message);
    deliveries += 1;
    const engine = town.engines.get(message.recipient);
    assert.ok(engine, `no user ${message.recipient}`);
    for (const outgoing of engine.receive(message).outgoing) {
      produced.push(outgoing);
      queue.push(...deliver(outgoing, identityOf(outgoing.from)));
    }
  }
  return produced;
}

const mallory = { address: 'mallory@evil.example', verified: true, certificateFingerprint: 'fp-m' };

describe('worm containment', () => {
  test('with defaults left alone, the request spreads to nobody', () => {
    const town = buildTown('ask');
    const before = USERS.map((user) => stateSnapshot(town.stores.get(user) as MemoryConsentStore));
    const produced = run(
      town,
      { to: ['ann@town.example', 'ben@town.example'], sender: mallory },
      (address) => ({
        address,
        verified: true,
        certificateFingerprint: `fp-${address}`,
      }),
    );
    assert.deepEqual(produced, []);
    const pendingCounts = USERS.map((user) => town.engines.get(user)?.pendingItems().length);
    assert.deepEqual(pendingCounts, [1, 1, 0, 0, 0, 0]);
    const after = USERS.map((user) => stateSnapshot(town.stores.get(user) as MemoryConsentStore));
    assert.deepEqual(after, before);
  });

  test('even with "always" everywhere it cannot spread through unverified senders', () => {
    const town = buildTown('always');
    const forged = { address: 'ann@town.example', verified: false };
    const produced = run(town, { to: USERS.slice(1), sender: forged }, (address) => ({
      address,
      verified: false,
    }));
    assert.deepEqual(produced, []);
    for (const user of USERS.slice(1)) {
      const held = town.engines
        .get(user)
        ?.pendingItems()
        .map((item) => item.heldBecause);
      assert.deepEqual(held, ['UNVERIFIED_SENDER']);
    }
  });

  test('control: "always" with verified senders does spread, so the harness can see spreading', () => {
    const town = buildTown('always');
    const produced = run(town, { to: ['ann@town.example'], sender: mallory }, (address) => ({
      address,
      verified: true,
      certificateFingerprint: `fp-${address}`,
    }));
    const reached = new Set(produced.flatMap((message) => message.to));
    assert.deepEqual([...reached].sort(), [...USERS].sort());
    assert.ok(produced.every((message) => message.approval.by === 'default'));
  });

  test('one person approving passes it one hop only; the next hop waits again', () => {
    const town = buildTown('ask');
    const ann = town.engines.get('ann@town.example');
    assert.ok(ann);
    const [item] = ann.receive(
      incoming(mallory, 'ann@town.example', [
        extension(
          FORWARD_OID,
          writePayloadRoot(xmlElement('spread', { generation: '0' }), 'urn:test:forward', 1),
        ),
      ]),
    ).pending;
    assert.ok(item);
    const hop = ann.decide(item.id, { kind: 'approve' });
    assert.equal(hop.length, 5);
    let further = 0;
    for (const message of hop) {
      for (const delivery of deliver(message, { address: 'ann@town.example', verified: true })) {
        further += town.engines.get(delivery.recipient)?.receive(delivery).outgoing.length ?? 0;
      }
    }
    assert.equal(further, 0);
    for (const user of USERS.slice(1)) {
      assert.equal(town.engines.get(user)?.pendingItems().length, 1);
    }
  });
});
