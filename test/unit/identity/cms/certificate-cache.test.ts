import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_CACHED_CERTIFICATES, x509Of } from '../../../../src/identity/cms/certificate-cache.ts';
import { flipBit, testPki } from '../helpers.ts';

test('the same DER gives the same X509Certificate, another DER another one', async () => {
  const { alice, bob } = await testPki();
  const aliceDer = new Uint8Array(alice.certificate.raw);
  const first = x509Of(aliceDer);
  assert.equal(first.fingerprint256, alice.certificate.fingerprint256);
  // A copy of the octets (as each received message carries its own) hits the cache.
  assert.equal(x509Of(new Uint8Array(aliceDer)), first);
  const other = x509Of(bob.certificate.raw);
  assert.notEqual(other, first);
  assert.equal(other.fingerprint256, bob.certificate.fingerprint256);
});

test('a view into a larger buffer is keyed by its own octets only', async () => {
  const { alice } = await testPki();
  const raw = alice.certificate.raw;
  const padded = new Uint8Array(raw.length + 20);
  padded.set(raw, 10);
  const view = padded.subarray(10, 10 + raw.length);
  assert.equal(x509Of(view).fingerprint256, alice.certificate.fingerprint256);
});

test('unreadable DER throws and is not remembered', async () => {
  const { alice } = await testPki();
  const broken = flipBit(alice.certificate.raw, 1); // the outer length
  assert.throws(() => x509Of(broken));
  assert.throws(() => x509Of(broken), 'thrown again, not served from the cache');
  assert.throws(() => x509Of(new Uint8Array(0)));
});

test('the cache is bounded: the least recently used certificate is parsed again', async () => {
  const { alice, bob, ca } = await testPki();
  const kept = x509Of(alice.certificate.raw);
  const dropped = x509Of(bob.certificate.raw);
  // Fill the cache with distinct certificates: the CA's with its last two signature
  // octets changed still parse (the signature is not checked here) but differ.
  const caRaw = ca.certificate.raw;
  for (let index = 0; index < MAX_CACHED_CERTIFICATES; index++) {
    if (index === MAX_CACHED_CERTIFICATES / 2) x509Of(alice.certificate.raw); // used again
    const variant = Buffer.from(caRaw);
    variant.writeUInt16BE(index, variant.length - 2);
    x509Of(variant);
  }
  assert.equal(x509Of(alice.certificate.raw), kept, 'recently used: still cached');
  assert.notEqual(x509Of(bob.certificate.raw), dropped, 'oldest: parsed again');
});
