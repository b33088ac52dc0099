import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendTrace,
  appendTraceWith,
  SigningPool,
  createDomainCa,
  createHostCredentials,
  encodeTraceStatement,
  MAX_TRACE_ENTRIES,
  MessageSecurityError,
  signCms,
  signMessage,
  verifyTraceChain,
  type TraceVerification,
} from '../../../../src/identity/index.ts';
import type { Mt2Envelope, TraceEntry } from '../../../../src/message/index.ts';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flipBit, openssl, put, scratchDir } from '../helpers.ts';
import { aliceToBob, messagePki, roundTrip, signatureOf } from './fixtures.ts';

// Whole milliseconds, as the envelope keeps them; within the certificates' validity.
const T0 = new Date();
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const brokenAt = (result: TraceVerification) => [result.brokenAt, result.failure?.code];

/** Alice's signed message after three hops: mx, relay, mx again (a second pass). */
async function threeHops(): Promise<Mt2Envelope> {
  const { alice, host, relay } = await messagePki();
  let envelope = signMessage(aliceToBob(), alice, T0);
  envelope = appendTrace(envelope, host, 'mx.example.com', later(1));
  envelope = appendTrace(envelope, relay, 'relay.example.com', later(2));
  envelope = appendTrace(envelope, host, 'mx.example.com', later(3));
  return roundTrip(envelope);
}

function withTrace(envelope: Mt2Envelope, trace: readonly (TraceEntry | undefined)[]): Mt2Envelope {
  return { ...envelope, trace: trace.filter((entry) => entry !== undefined) };
}

describe('appendTrace and verifyTraceChain', () => {
  test('a chain of three hops verifies after the envelope went through XML', async () => {
    const { validator } = await messagePki();
    const envelope = await threeHops();
    assert.deepEqual(
      envelope.trace.map((entry) => entry.host),
      ['mx.example.com', 'relay.example.com', 'mx.example.com'],
    );
    const result = await verifyTraceChain(envelope, validator, later(10));
    assert.deepEqual(brokenAt(result), [undefined, undefined]);
    assert.equal(result.valid, true);
    assert.equal(result.verdicts.length, 3);
    assert.ok(result.verdicts.every((verdict) => verdict.valid));
  });

  test('a removed entry breaks the link of the entry after it', async () => {
    const { validator } = await messagePki();
    const envelope = await threeHops();
    const [first, , third] = envelope.trace;
    const result = await verifyTraceChain(
      withTrace(envelope, [first, third]),
      validator,
      later(10),
    );
    assert.deepEqual(brokenAt(result), [1, 'TRACE_LINK_BROKEN']);
    const withoutFirst = withTrace(envelope, envelope.trace.slice(1));
    assert.deepEqual(brokenAt(await verifyTraceChain(withoutFirst, validator, later(10))), [
      0,
      'TRACE_LINK_BROKEN',
    ]);
  });

  test('reordered entries: the first one out of place is reported', async () => {
    const { validator } = await messagePki();
    const envelope = await threeHops();
    const [first, second, third] = envelope.trace;
    const result = await verifyTraceChain(
      withTrace(envelope, [first, third, second]),
      validator,
      later(10),
    );
    assert.deepEqual(brokenAt(result), [1, 'TRACE_LINK_BROKEN']);
  });

  test('a forged signature value: TRACE_SIGNATURE_INVALID', async () => {
    const { validator } = await messagePki();
    const envelope = await threeHops();
    const [first, second, third] = envelope.trace;
    assert.ok(second?.signature !== undefined);
    const forged = { ...second, signature: flipBit(second.signature, -1) };
    const result = await verifyTraceChain(
      withTrace(envelope, [first, forged, third]),
      validator,
      later(10),
    );
    assert.deepEqual(brokenAt(result), [1, 'TRACE_SIGNATURE_INVALID']);
  });

  test('an entry forged with a certificate from an unknown CA for the same host: TRACE_CERTIFICATE_INVALID', async () => {
    const { validator } = await messagePki();
    const impostorCa = await createDomainCa({ domain: 'example.com' });
    const impostor = await createHostCredentials(impostorCa, 'relay.example.com');
    const envelope = await threeHops();
    const upToFirst = withTrace(envelope, envelope.trace.slice(0, 1));
    const forged = appendTrace(upToFirst, impostor, 'relay.example.com', later(2));
    const result = await verifyTraceChain(forged, validator, later(10));
    assert.deepEqual(brokenAt(result), [1, 'TRACE_CERTIFICATE_INVALID']);
    assert.ok((result.failure?.certificateReasons?.length ?? 0) > 0);
  });

  test("an entry re-signed by another host's key under the original host name: TRACE_HOST_NOT_BOUND", async () => {
    const { validator, relay } = await messagePki();
    const envelope = await threeHops();
    const [first, second, third] = envelope.trace;
    assert.ok(first?.signature !== undefined && second !== undefined);
    // The relay signs a well-linked entry that claims to be mx.example.com's.
    const statement = encodeTraceStatement({
      messageId: envelope.messageId,
      host: 'mx.example.com',
      time: second.time.toISOString(),
      previousDigest: createHash('sha256').update(first.signature).digest(),
    });
    const resigned = {
      host: 'mx.example.com',
      time: second.time,
      signature: signCms(statement, relay, { detached: false }),
    };
    const result = await verifyTraceChain(
      withTrace(envelope, [first, resigned, third]),
      validator,
      later(10),
    );
    assert.deepEqual(brokenAt(result), [1, 'TRACE_HOST_NOT_BOUND']);
  });

  test('an entry re-signed by its own host with another time breaks the next link', async () => {
    const { validator, relay } = await messagePki();
    const envelope = await threeHops();
    const upToFirst = withTrace(envelope, envelope.trace.slice(0, 1));
    const resigned = appendTrace(upToFirst, relay, 'relay.example.com', later(5)).trace[1];
    const [first, , third] = envelope.trace;
    const result = await verifyTraceChain(
      withTrace(envelope, [first, resigned, third]),
      validator,
      later(10),
    );
    assert.deepEqual(brokenAt(result), [2, 'TRACE_LINK_BROKEN']);
  });

  test('an entry whose host or time was edited without re-signing: TRACE_ENTRY_ALTERED', async () => {
    const { validator } = await messagePki();
    const envelope = await threeHops();
    const [first, second, third] = envelope.trace;
    assert.ok(second !== undefined);
    for (const altered of [
      { ...second, time: later(7) },
      { ...second, host: 'mx.example.com' },
    ]) {
      const result = await verifyTraceChain(
        withTrace(envelope, [first, altered, third]),
        validator,
        later(10),
      );
      assert.deepEqual(brokenAt(result), [1, 'TRACE_ENTRY_ALTERED']);
    }
  });

  test('the first entry is bound to the sender signature', async () => {
    const { validator, bob } = await messagePki();
    const envelope = await threeHops();
    const resignedBySomeoneElse = {
      ...envelope,
      signature: signatureOf(signMessage(aliceToBob('bob@example.com'), bob)),
    };
    const result = await verifyTraceChain(resignedBySomeoneElse, validator, later(10));
    assert.deepEqual(brokenAt(result), [0, 'TRACE_LINK_BROKEN']);
  });

  test('an unsigned message gets a chain too; adding a signature later breaks it', async () => {
    const { validator, host, alice } = await messagePki();
    const parts = aliceToBob();
    const traced = roundTrip(appendTrace(parts.envelope, host, 'mx.example.com', later(1)));
    assert.equal((await verifyTraceChain(traced, validator, later(10))).valid, true);
    const signature = signatureOf(signMessage(parts, alice));
    const result = await verifyTraceChain({ ...traced, signature }, validator, later(10));
    assert.deepEqual(brokenAt(result), [0, 'TRACE_LINK_BROKEN']);
  });

  test('an unsigned entry, an unreadable one and too many entries are reported', async () => {
    const { validator, relay } = await messagePki();
    const envelope = await threeHops();
    const [first, second] = envelope.trace;
    assert.ok(second !== undefined);
    const unsigned = { host: second.host, time: second.time };
    let result = await verifyTraceChain(
      withTrace(envelope, [first, unsigned]),
      validator,
      later(10),
    );
    assert.deepEqual(brokenAt(result), [1, 'TRACE_SIGNATURE_MISSING']);
    const garbage = { ...second, signature: Buffer.from('garbage') };
    result = await verifyTraceChain(withTrace(envelope, [first, garbage]), validator, later(10));
    assert.deepEqual(brokenAt(result), [1, 'TRACE_SIGNATURE_MALFORMED']);
    const notAStatement = {
      ...second,
      signature: signCms(Buffer.from('x'), relay, { detached: false }),
    };
    result = await verifyTraceChain(
      withTrace(envelope, [first, notAStatement]),
      validator,
      later(10),
    );
    assert.deepEqual(brokenAt(result), [1, 'TRACE_SIGNATURE_MALFORMED']);
    const long = Array.from({ length: MAX_TRACE_ENTRIES + 1 }, () => unsigned);
    result = await verifyTraceChain(withTrace(envelope, long), validator, later(10));
    assert.deepEqual(brokenAt(result), [MAX_TRACE_ENTRIES, 'TRACE_TOO_LONG']);
  });

  test('appendTrace refuses a certificate for another host and a full trace', async () => {
    const { host } = await messagePki();
    const envelope = aliceToBob().envelope;
    assert.throws(
      () => appendTrace(envelope, host, 'relay.example.com', T0),
      (error) => error instanceof MessageSecurityError && error.code === 'MSGSEC_NOT_CERTIFIED',
    );
    const full = withTrace(
      envelope,
      Array.from({ length: MAX_TRACE_ENTRIES }, () => ({ host: 'mx.example.com', time: T0 })),
    );
    assert.throws(
      () => appendTrace(full, host, 'mx.example.com', T0),
      (error) => error instanceof MessageSecurityError && error.code === 'MSGSEC_INPUT_TOO_LARGE',
    );
  });

  test('appendTraceWith a signing pool makes the same entry, and refuses the same way', async () => {
    const { alice, host, validator } = await messagePki();
    const pool = new SigningPool(host.privateKey, 1);
    try {
      const signed = signMessage(aliceToBob(), alice, T0);
      const pooled = await appendTraceWith(signed, host, 'mx.example.com', later(1), pool.sign);
      const direct = appendTrace(signed, host, 'mx.example.com', later(1));
      assert.deepEqual(pooled.trace, direct.trace);
      const result = await verifyTraceChain(roundTrip(pooled), validator, later(10));
      assert.deepEqual(brokenAt(result), [undefined, undefined]);
      await assert.rejects(
        appendTraceWith(signed, host, 'relay.example.com', T0, pool.sign),
        (error) => error instanceof MessageSecurityError && error.code === 'MSGSEC_NOT_CERTIFIED',
      );
    } finally {
      await pool.close();
    }
  });

  test("an ECDSA P-256 host's entry, signed through a signing pool, verifies with openssl cms", async () => {
    const { ca, alice, relay, validator } = await messagePki();
    assert.equal(relay.privateKey.asymmetricKeyType, 'ec');
    const pool = new SigningPool(relay.privateKey, 1);
    try {
      const signed = signMessage(aliceToBob(), alice, T0);
      const traced = await appendTraceWith(signed, relay, 'relay.example.com', later(1), pool.sign);
      const result = await verifyTraceChain(roundTrip(traced), validator, later(10));
      assert.deepEqual(brokenAt(result), [undefined, undefined]);
      const entry = traced.trace[0]?.signature;
      assert.ok(entry !== undefined);
      const dir = await scratchDir();
      const out = join(dir, 'statement.der');
      const verified = await openssl([
        'cms',
        '-verify',
        '-inform',
        'DER',
        '-in',
        await put(dir, 'trace.der', entry),
        '-CAfile',
        await put(dir, 'ca.pem', ca.certificate.toString()),
        '-purpose',
        'any',
        '-binary',
        '-out',
        out,
      ]);
      assert.equal(verified.code, 0, verified.stderr);
      const statement = encodeTraceStatement({
        messageId: signed.messageId,
        host: 'relay.example.com',
        time: later(1).toISOString(),
        previousDigest: createHash('sha256').update(signatureOf(signed)).digest(),
      });
      assert.deepEqual(await readFile(out), statement);
      const printed = await openssl([
        'cms',
        '-cmsout',
        '-print',
        '-inform',
        'DER',
        '-in',
        join(dir, 'trace.der'),
      ]);
      assert.match(printed.stdout.toString(), /ecdsa-with-SHA256/);
    } finally {
      await pool.close();
    }
  });
});
