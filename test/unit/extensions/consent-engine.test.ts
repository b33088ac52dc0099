import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConsentEngine,
  ExtensionError,
  MAX_EXTENSIONS_PER_MESSAGE,
  MAX_PENDING_ITEMS,
  MemoryConsentStore,
  writePayloadRoot,
  xmlElement,
  type DeclaredReply,
} from '../../../src/extensions/index.ts';
import {
  FORWARD_OID,
  forwardingExtension,
  type ForwardPayloads,
} from './fixtures/forwarding-extension.ts';
import {
  FIXED_NOW,
  addContacts,
  extension,
  incoming,
  stateSnapshot,
  unverified,
  verified,
} from './fixtures/mail.ts';

const ME = 'me@home.example';

function setUp(contacts: readonly string[] = ['c1@x.example', 'c2@x.example']) {
  const store = new MemoryConsentStore();
  addContacts(store, contacts);
  let next = 0;
  const engine = new ConsentEngine<ForwardPayloads>({
    store,
    registry: { forward: forwardingExtension },
    self: () => ({ address: ME }),
    clock: () => FIXED_NOW,
    newId: () => `out-${++next}`,
  });
  return { store, engine };
}

function spread(generation = 0) {
  return extension(
    FORWARD_OID,
    writePayloadRoot(
      xmlElement('spread', { generation: String(generation) }),
      'urn:test:forward',
      1,
    ),
  );
}

describe('consent engine', () => {
  test('a request becomes a pending item; nothing is sent and no state changes', () => {
    const { store, engine } = setUp();
    const before = stateSnapshot(store);
    const result = engine.receive(incoming(verified('a@x.example'), ME, [spread()]));
    assert.equal(result.pending.length, 1);
    assert.deepEqual(result.outgoing, []);
    assert.deepEqual(stateSnapshot(store), before);
    assert.deepEqual(
      engine.auditLog().map((entry) => entry.action),
      ['received'],
    );
    const [item] = result.pending;
    assert.ok(item);
    assert.equal(item.heldBecause, 'POLICY_ASK');
    assert.deepEqual(
      item.declared.map((reply) => reply.to),
      ['c1@x.example', 'c2@x.example'],
    );
  });

  test('approval sends exactly the declared replies, marked as approved by a person', () => {
    const { engine } = setUp();
    const [item] = engine.receive(incoming(verified('a@x.example'), ME, [spread(3)])).pending;
    assert.ok(item);
    const outgoing = engine.decide(item.id, { kind: 'approve' });
    assert.deepEqual(
      outgoing.map((message) => message.to),
      item.declared.map((reply) => [reply.to]),
    );
    for (const [index, message] of outgoing.entries()) {
      const [element] = message.headers.extensions;
      const declared: DeclaredReply | undefined = item.declared[index];
      assert.ok(element && declared);
      assert.deepEqual(element.content, [
        {
          ...(declared.content[0] as object),
          attributes: {
            xmlns: 'urn:test:forward',
            version: '1',
            approval: 'person',
            generation: '4',
          },
        },
      ]);
      assert.deepEqual(message.approval, { by: 'person' });
      assert.equal(message.from, ME);
      assert.ok(
        message.headers.fields.some(
          (field) => field.kind === 'inReplyTo' && field.ids[0] === item.messageId,
        ),
      );
    }
    assert.deepEqual(engine.pendingItems(), []);
    assert.deepEqual(
      engine.auditLog().map((entry) => entry.action),
      ['received', 'approved', 'queued', 'queued'],
    );
  });

  test('declining is silent by default and sends a notice only when asked', () => {
    const { engine } = setUp();
    const first = engine.receive(incoming(verified('a@x.example'), ME, [spread()])).pending[0];
    const second = engine.receive(incoming(verified('b@x.example'), ME, [spread()])).pending[0];
    assert.ok(first && second);
    assert.deepEqual(engine.decide(first.id, { kind: 'decline' }), []);
    const notices = engine.decide(second.id, { kind: 'decline', notify: true });
    assert.equal(notices.length, 1);
    assert.deepEqual(notices[0]?.to, ['b@x.example']);
    const declined = engine.auditLog().filter((entry) => entry.action === 'declined');
    assert.deepEqual(
      declined.map((entry) => entry.detail),
      ['declined silently', 'declined with a notice'],
    );
    assert.deepEqual(engine.pendingItems(), []);
  });

  test('"always" approves a verified sender automatically and says a default approved', () => {
    const { engine } = setUp();
    engine.setPolicy({ kind: 'extension', extension: 'forward' }, 'always');
    const result = engine.receive(incoming(verified('a@x.example'), ME, [spread()]));
    assert.deepEqual(result.pending, []);
    assert.equal(result.outgoing.length, 2);
    for (const message of result.outgoing) {
      assert.deepEqual(message.approval, { by: 'default', scope: 'extension' });
      const root = message.headers.extensions[0]?.content[0];
      assert.ok(root !== undefined && typeof root !== 'string');
      assert.equal(root.attributes['approval'], 'default');
    }
    assert.ok(engine.auditLog().some((entry) => entry.action === 'autoApproved'));
  });

  test('an unverified sender stays pending even with "always" at every scope', () => {
    const { store, engine } = setUp();
    engine.setPolicy({ kind: 'extension', extension: 'forward' }, 'always');
    engine.setPolicy({ kind: 'sender', sender: 'a@x.example' }, 'always');
    engine.setPolicy(
      { kind: 'senderExtension', sender: 'a@x.example', extension: 'forward' },
      'always',
    );
    const before = stateSnapshot(store);
    const result = engine.receive(incoming(unverified('a@x.example'), ME, [spread()]));
    assert.deepEqual(result.outgoing, []);
    assert.equal(result.pending[0]?.heldBecause, 'UNVERIFIED_SENDER');
    assert.deepEqual(stateSnapshot(store), before);
  });

  test('"never" declines silently, even an unverified sender, and sends nothing', () => {
    const { engine } = setUp();
    engine.setPolicy({ kind: 'sender', sender: 'spammer@x.example' }, 'never');
    const result = engine.receive(incoming(unverified('spammer@x.example'), ME, [spread()]));
    assert.deepEqual(result.pending, []);
    assert.deepEqual(result.outgoing, []);
    const declined = engine.auditLog().find((entry) => entry.action === 'declined');
    assert.deepEqual(declined?.approval, { by: 'default', scope: 'sender' });
  });

  test('the most specific default wins: sender-and-extension, then sender, then extension', () => {
    const { engine } = setUp();
    engine.setPolicy({ kind: 'extension', extension: 'forward' }, 'never');
    engine.setPolicy({ kind: 'sender', sender: 'A@X.example' }, 'always');
    const fromA = engine.receive(incoming(verified('a@x.example'), ME, [spread()]));
    assert.equal(fromA.outgoing.length, 2, 'sender default beats extension default');
    engine.setPolicy(
      { kind: 'senderExtension', sender: 'a@x.example', extension: 'forward' },
      'ask',
    );
    const again = engine.receive(incoming(verified('a@x.example'), ME, [spread()]));
    assert.equal(again.pending.length, 1, 'sender-and-extension default beats sender default');
    const fromB = engine.receive(incoming(verified('b@x.example'), ME, [spread()]));
    assert.deepEqual([fromB.pending.length, fromB.outgoing.length], [0, 0]);
    engine.setPolicy({ kind: 'extension', extension: 'forward' }, undefined);
    const afterUnset = engine.receive(incoming(verified('b@x.example'), ME, [spread()]));
    assert.equal(afterUnset.pending.length, 1, 'removing a default falls back to ask');
  });

  test('a malformed payload is refused with a typed error and logged; nothing applied', () => {
    const { store, engine } = setUp();
    const before = stateSnapshot(store);
    const bad = extension(
      FORWARD_OID,
      writePayloadRoot(xmlElement('spread', { generation: 'many' }), 'urn:test:forward', 1),
    );
    const result = engine.receive(incoming(verified('a@x.example'), ME, [bad]));
    assert.deepEqual(result.pending, []);
    const [refusal] = result.refused;
    assert.ok(refusal);
    assert.equal(refusal.error.code, 'EXTENSION_PAYLOAD_INVALID');
    assert.equal(refusal.error.path, '/spread/@generation');
    assert.deepEqual(stateSnapshot(store), before);
    const [entry] = engine.auditLog();
    assert.ok(entry);
    assert.equal(entry.action, 'refused');
    assert.equal(entry.code, 'EXTENSION_PAYLOAD_INVALID');
  });

  test('payload envelope faults: wrong namespace, version, several roots, too large', () => {
    const { engine } = setUp();
    const cases: [string, Parameters<typeof extension>[1]][] = [
      [
        'EXTENSION_PAYLOAD_INVALID',
        [xmlElement('spread', { xmlns: 'urn:other', version: '1', generation: '0' })],
      ],
      [
        'EXTENSION_VERSION_UNSUPPORTED',
        [xmlElement('spread', { xmlns: 'urn:test:forward', version: '2', generation: '0' })],
      ],
      [
        'EXTENSION_PAYLOAD_INVALID',
        [xmlElement('spread', { xmlns: 'urn:test:forward', generation: '0' })],
      ],
      ['EXTENSION_PAYLOAD_INVALID', [...spread().content, ...spread().content]],
      ['EXTENSION_PAYLOAD_INVALID', ['text only']],
      [
        'EXTENSION_PAYLOAD_INVALID',
        [
          xmlElement('spread', {
            xmlns: 'urn:test:forward',
            version: '1',
            generation: '0',
            approval: 'robot',
          }),
        ],
      ],
      [
        'EXTENSION_PAYLOAD_TOO_LARGE',
        [
          xmlElement('spread', { xmlns: 'urn:test:forward', version: '1', generation: '0' }, [
            'x'.repeat(256 * 1024),
          ]),
        ],
      ],
    ];
    for (const [code, content] of cases) {
      const result = engine.receive(
        incoming(verified('a@x.example'), ME, [extension(FORWARD_OID, content)]),
      );
      assert.equal(result.refused[0]?.error.code, code);
    }
    assert.deepEqual(engine.pendingItems(), []);
  });

  test('unknown critical extensions are refused; unknown non-critical ones are ignored', () => {
    const { engine } = setUp();
    const result = engine.receive(
      incoming(verified('a@x.example'), ME, [
        extension('1.2.3.4', [], true),
        extension('1.2.3.5', [], false),
        spread(),
      ]),
    );
    assert.deepEqual(
      result.refused.map((refusal) => [refusal.oid, refusal.error.code]),
      [['1.2.3.4', 'EXTENSION_UNKNOWN_CRITICAL']],
    );
    assert.equal(result.pending.length, 1);
  });

  test('the same message delivered twice gives one pending item', () => {
    const { engine } = setUp();
    const message = incoming(verified('a@x.example'), ME, [spread()], 'dup@x.example');
    const first = engine.receive(message);
    const second = engine.receive(message);
    assert.equal(first.pending.length, 1);
    assert.deepEqual(second.duplicates, [first.pending[0]?.id]);
    assert.equal(engine.pendingItems().length, 1);
  });

  test("reusing a Message-ID cannot suppress another sender's request", () => {
    const { engine } = setUp();
    // A forger sends first, under the address and Message-ID the real sender will use.
    engine.receive(incoming(unverified('a@x.example'), ME, [spread()], 'same@x.example'));
    const real = engine.receive(
      incoming(verified('a@x.example'), ME, [spread()], 'same@x.example'),
    );
    assert.deepEqual(real.duplicates, []);
    assert.equal(real.pending.length, 1);
    const other = engine.receive(
      incoming(verified('b@x.example'), ME, [spread()], 'same@x.example'),
    );
    assert.equal(other.pending.length, 1);
    const changed = engine.receive(
      incoming(verified('b@x.example'), ME, [spread(7)], 'same@x.example'),
    );
    assert.equal(changed.pending.length, 1, 'a different payload is a different request');
    assert.equal(engine.pendingItems().length, 4);
  });

  test('send reports are logged once; unknown ids and items are typed errors', () => {
    const { engine } = setUp();
    const [item] = engine.receive(incoming(verified('a@x.example'), ME, [spread()])).pending;
    assert.ok(item);
    const [first, second] = engine.decide(item.id, { kind: 'approve' });
    assert.ok(first && second);
    engine.reportSent(first.id);
    engine.reportFailed(second.id, 'peer refused: 99.0.5.1');
    const tail = engine.auditLog().slice(-2);
    assert.deepEqual(
      tail.map((entry) => [entry.action, entry.outgoingId, entry.detail]),
      [
        ['sent', first.id, 'sent'],
        ['failed', second.id, 'peer refused: 99.0.5.1'],
      ],
    );
    assert.throws(
      () => {
        engine.reportSent(first.id);
      },
      { code: 'CONSENT_UNKNOWN_OUTGOING' },
    );
    assert.throws(() => engine.decide(item.id, { kind: 'approve' }), {
      code: 'CONSENT_UNKNOWN_ITEM',
    });
    assert.throws(
      () => engine.decide('nope', { kind: 'decline' }),
      (error: unknown) => error instanceof ExtensionError,
    );
  });

  test('defaults are listed for the settings page; extension names are checked by the compiler', () => {
    const { engine } = setUp();
    engine.setPolicy({ kind: 'extension', extension: 'forward' }, 'never');
    engine.setPolicy({ kind: 'sender', sender: 'a@x.example' }, 'always');
    assert.deepEqual(
      engine.policies().map((rule) => [rule.scope.kind, rule.policy]),
      [
        ['extension', 'never'],
        ['sender', 'always'],
      ],
    );
    // @ts-expect-error -- 'froward' is no extension of this engine's registry.
    engine.setPolicy({ kind: 'extension', extension: 'froward' }, 'always');
  });

  test('audit entries are numbered from 1 and can be read from a point on', () => {
    const { engine } = setUp();
    engine.receive(incoming(verified('a@x.example'), ME, [spread()]));
    engine.setPolicy({ kind: 'extension', extension: 'forward' }, 'never');
    const all = engine.auditLog();
    assert.deepEqual(
      all.map((entry) => entry.seq),
      [1, 2],
    );
    assert.deepEqual(
      engine.auditLog(1).map((entry) => entry.action),
      ['policyChanged'],
    );
  });

  test('a message with more extensions than the limit: the extras are refused, the rest held', () => {
    const store = new MemoryConsentStore();
    const engine = new ConsentEngine<ForwardPayloads>({
      store,
      registry: { forward: forwardingExtension },
      self: () => ({ address: ME }),
      maxExtensionsPerMessage: 3,
    });
    const atLimit = engine.receive(
      incoming(verified('a@x.example'), ME, [spread(), spread(), spread()]),
    );
    assert.deepEqual([atLimit.pending.length, atLimit.refused.length], [3, 0]);
    const over = engine.receive(
      incoming(verified('a@x.example'), ME, [spread(), spread(), spread(), spread()]),
    );
    assert.equal(over.pending.length, 3);
    assert.deepEqual(
      over.refused.map((refusal) => refusal.error.code),
      ['EXTENSION_TOO_MANY'],
    );
    assert.equal(MAX_EXTENSIONS_PER_MESSAGE, 16);
  });

  test('a full queue refuses further requests and logs it; deciding makes room', () => {
    const store = new MemoryConsentStore();
    const engine = new ConsentEngine<ForwardPayloads>({
      store,
      registry: { forward: forwardingExtension },
      self: () => ({ address: ME }),
      maxPendingItems: 2,
    });
    engine.receive(incoming(verified('a@x.example'), ME, [spread()]));
    const second = engine.receive(incoming(verified('a@x.example'), ME, [spread()]));
    assert.equal(second.pending.length, 1, 'the second item reaches the limit');
    const third = engine.receive(incoming(verified('a@x.example'), ME, [spread()]));
    assert.equal(third.refused[0]?.error.code, 'CONSENT_QUEUE_FULL');
    assert.equal(engine.auditLog().at(-1)?.code, 'CONSENT_QUEUE_FULL');
    engine.decide(second.pending[0]?.id ?? '', { kind: 'decline' });
    assert.equal(
      engine.receive(incoming(verified('a@x.example'), ME, [spread()])).pending.length,
      1,
    );
    assert.equal(MAX_PENDING_ITEMS, 1000);
  });
});
