import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  integer,
  octetString,
  oid,
  readDer,
  readIntegerHex,
  readOid,
  sequence,
  setOf,
  stringOctets,
  time,
  withIdentifier,
} from '../../../src/identity/der.ts';
import { openssl, put, scratchDir } from './helpers.ts';

describe('DER reader and writer', () => {
  test('OIDs, integers and times encode as openssl reads them', async () => {
    const encoded = sequence(
      oid('1.2.840.113549.1.7.2'),
      integer(600_000),
      integer(128),
      time(new Date('2026-11-28T12:00:00Z')),
      time(new Date('2051-01-01T00:00:00Z')),
    );
    const dir = await scratchDir();
    const parsed = await openssl([
      'asn1parse',
      '-inform',
      'DER',
      '-in',
      await put(dir, 'x.der', encoded),
    ]);
    assert.equal(parsed.code, 0, parsed.stderr);
    const text = parsed.stdout.toString();
    assert.match(text, /:pkcs7-signedData/);
    assert.match(text, /INTEGER\s+:0927C0/);
    assert.match(text, /INTEGER\s+:80/);
    assert.match(text, /UTCTIME\s+:261128120000Z/);
    assert.match(text, /GENERALIZEDTIME\s+:20510101000000Z/);
    const node = readDer(encoded);
    assert.equal(readOid(node.children[0]), '1.2.840.113549.1.7.2');
    assert.equal(readIntegerHex(node.children[2]), '80');
    assert.ok(node.raw.equals(encoded));
  });

  test('SET OF is sorted, and an element can be retagged', () => {
    const set = setOf(integer(2), integer(1));
    assert.deepEqual([...set], [0x31, 6, 2, 1, 1, 2, 1, 2]);
    assert.deepEqual([...withIdentifier(0xa0, set)].slice(0, 2), [0xa0, 6]);
  });

  test('BER indefinite lengths and constructed strings are read', () => {
    // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "c" } }
    const ber = Buffer.from([
      0x30, 0x80, 0x24, 0x80, 0x04, 2, 0x61, 0x62, 0x04, 1, 0x63, 0, 0, 0, 0,
    ]);
    const node = readDer(ber);
    const inner = node.children[0];
    assert.ok(inner !== undefined);
    assert.equal(stringOctets(inner).toString(), 'abc');
    assert.equal(node.raw.length, ber.length);
  });

  test("each element's content and raw bytes are its own, nested or not", () => {
    // SEQUENCE { INTEGER 5, SEQUENCE { OCTET STRING "hi" } }
    const der = Buffer.from([0x30, 0x09, 0x02, 0x01, 0x05, 0x30, 0x04, 0x04, 0x02, 0x68, 0x69]);
    const node = readDer(der);
    const [number, inner] = node.children;
    assert.deepEqual([...(number?.raw ?? [])], [0x02, 0x01, 0x05]);
    assert.deepEqual([...(number?.content ?? [])], [0x05]);
    assert.deepEqual([...(inner?.raw ?? [])], [0x30, 0x04, 0x04, 0x02, 0x68, 0x69]);
    const text = inner?.children[0];
    assert.ok(text !== undefined);
    assert.equal(text.content.toString(), 'hi');
    assert.equal(text.children.length, 0);
    assert.equal(node.content.length, 9);
  });

  test('an element cannot reach past the end of the one it is in', () => {
    for (const [hex, reason] of [
      // An INTEGER of 3 octets in a SEQUENCE of 3 octets, the input going on.
      ['30030203010203', /runs past the end/],
      // The INTEGER's length octet lies after its SEQUENCE's end.
      ['3001020101', /truncated length/],
      // An indefinite SEQUENCE whose end-of-contents lies after its parent's end.
      ['300430800200' + '0000', /missing end-of-contents/],
    ] as const) {
      assert.throws(() => readDer(Buffer.from(hex, 'hex')), reason, hex);
    }
  });

  test('lengths take the short form below 128 and the fewest octets above', () => {
    for (const [length, header] of [
      [0, '0400'],
      [127, '047f'],
      [128, '048180'],
      [255, '0481ff'],
      [256, '04820100'],
      [65_535, '0482ffff'],
      [65_536, '0483010000'],
    ] as const) {
      const encoded = octetString(Buffer.alloc(length, 1));
      assert.equal(encoded.subarray(0, header.length / 2).toString('hex'), header, `${length}`);
      assert.equal(encoded.length, header.length / 2 + length);
      assert.equal(readDer(encoded).content.length, length);
    }
    const pieces = [integer(1), octetString(Buffer.alloc(200, 2)), integer(300)];
    const whole = sequence(...pieces);
    assert.deepEqual(
      readDer(whole).children.map((child) => child.raw.toString('hex')),
      pieces.map((piece) => piece.toString('hex')),
    );
  });

  test('a long-form length is read', () => {
    const big = octetString(Buffer.alloc(70_000, 7));
    assert.deepEqual([...big.subarray(0, 5)], [0x04, 0x83, 0x01, 0x11, 0x70]);
    assert.equal(readDer(big).content.length, 70_000);
  });

  test('truncated, trailing, oversized-length, unterminated and too-deep input is malformed', () => {
    // 100 nested indefinite-length SEQUENCEs, properly terminated: deeper than the limit.
    const deep = Buffer.concat([Buffer.from('3080'.repeat(100), 'hex'), Buffer.alloc(200)]);
    for (const bad of [
      Buffer.from([]),
      Buffer.from([0x30]),
      Buffer.from([0x30, 0x05, 0x02, 0x01]),
      Buffer.from([0x02, 0x01, 0x01, 0x00]),
      Buffer.from([0x04, 0x85, 1, 2, 3, 4, 5]),
      Buffer.from([0x30, 0x80, 0x02, 0x01, 0x01]),
      Buffer.from([0x04, 0x80, 0x00, 0x00]),
      deep,
    ]) {
      assert.throws(() => readDer(bad), { code: 'IDENTITY_MALFORMED_INPUT' }, bad.toString('hex'));
    }
  });
});
