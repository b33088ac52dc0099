// One message from Alice's client through two hosts to Bob, and an error report back:
// the order in which the client and mt2d call this module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendTrace,
  buildErrorReport,
  decryptPart,
  encryptMessageParts,
  signMessage,
  verifyErrorReport,
  verifyMessage,
  verifyTraceChain,
} from '../../../../src/identity/index.ts';
import {
  decodeEnvelope,
  decodeHeaders,
  encodeEnvelope,
  summarizeHeaders,
} from '../../../../src/message/index.ts';
import { aliceToBob, messagePki } from './fixtures.ts';

test('encrypt, sign, relay twice, verify, decrypt; then a signed error report back', async () => {
  const { alice, bob, host, relay, process, validator } = await messagePki();
  // Alice's client: encrypt both parts to Bob and herself, then sign the octets as sent.
  const encrypted = encryptMessageParts(
    aliceToBob(),
    ['headers', 'body'],
    [bob.certificate],
    alice.certificate,
  );
  const sent = { ...encrypted, envelope: signMessage(encrypted, alice) };
  // Each host checks what arrived, appends its entry and passes the envelope on as XML.
  let wire = encodeEnvelope(sent.envelope);
  for (const [credentials, hostname] of [
    [host, 'mx.example.com'],
    [relay, 'relay.example.com'],
  ] as const) {
    const arrived = decodeEnvelope(wire);
    assert.equal((await verifyTraceChain(arrived, validator, new Date())).valid, true);
    assert.equal(
      (await verifyMessage({ ...sent, envelope: arrived }, validator, new Date())).valid,
      true,
    );
    wire = encodeEnvelope(appendTrace(arrived, credentials, hostname, new Date()));
  }
  // Bob's client: the trace and the signature hold; the parts open with his key.
  const received = { ...sent, envelope: decodeEnvelope(wire) };
  assert.deepEqual(
    received.envelope.trace.map((entry) => entry.host),
    ['mx.example.com', 'relay.example.com'],
  );
  assert.equal((await verifyTraceChain(received.envelope, validator, new Date())).valid, true);
  const verification = await verifyMessage(received, validator, new Date());
  assert.deepEqual(verification.failures, []);
  const headers = decodeHeaders(decryptPart(received.headers, bob));
  assert.equal(summarizeHeaders(headers).subject, 'Secret plans for Tuesday');
  // Had delivery failed for good, the last host would have sent this back to Alice.
  const report = decodeEnvelope(
    encodeEnvelope(
      buildErrorReport(
        received.envelope,
        [{ recipient: 'bob@example.com', code: '99.0.5.2', text: 'Mailbox full.' }],
        process,
        new Date(),
      ),
    ),
  );
  assert.deepEqual(report.recipients, ['alice@example.com']);
  assert.equal((await verifyErrorReport(report, validator, new Date())).valid, true);
});
