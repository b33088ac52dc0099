// fast-check generators of valid MT2 frames (docs/protocol.md section 2), shared by the
// codec property tests and the fuzz test.
import fc from 'fast-check';
import type {
  Mt2Chunk,
  Mt2ExtensionResult,
  Mt2Option,
  Mt2Param,
  Mt2Request,
  Mt2Response,
} from '../../src/protocol/codec/frames.ts';

const ATOM_CHARS = [...Array(0x7e - 0x20).keys()]
  .map((i) => String.fromCharCode(0x21 + i))
  .filter((c) => !'()[]{}'.includes(c));

const atomString = fc.string({ unit: fc.constantFrom(...ATOM_CHARS), minLength: 1, maxLength: 12 });
const extName = atomString.filter((s) => !/[=;]/.test(s));
const extValue = atomString.filter((s) => !s.includes(';'));
const wireInt = fc.oneof(fc.nat(100), fc.maxSafeNat());
const tag = fc.oneof(fc.nat(1000), fc.maxSafeNat());
// OK, ERR and TMP would make the line a response (docs/protocol.md section 2).
const verb = fc
  .stringMatching(/^[A-Z][A-Z0-9]{0,15}$/)
  .filter((name) => !['OK', 'ERR', 'TMP'].includes(name));
const textUnit = fc.oneof(
  fc.constantFrom(...ATOM_CHARS, ' ', '(', ')', '[', ']', '{', '}'),
  fc.constantFrom('é', 'ß', '世', '😀'),
);
const freeText = fc.string({ unit: textUnit, maxLength: 30 }).filter((s) => !s.startsWith('('));
const extText = fc.string({ unit: textUnit, maxLength: 20 }).filter((s) => !/[()]/.test(s));
const status = fc.constantFrom('OK' as const, 'ERR' as const, 'TMP' as const);
const component = fc.oneof(fc.nat(200), fc.nat(4_000_000_000)).map(String);

/** A result code whose class agrees with `st`. */
function code(st: 'OK' | 'ERR' | 'TMP'): fc.Arbitrary<string> {
  const cls = st === 'OK' ? fc.constant(2) : st === 'TMP' ? fc.constant(3) : fc.constantFrom(4, 5);
  return fc
    .tuple(fc.array(component, { minLength: 1, maxLength: 4 }), cls, component)
    .map(([ns, c, detail]) => `${ns.join('.')}.0.${c}.${detail}`);
}

const param: fc.Arbitrary<Mt2Param> = fc.oneof(
  atomString.map((value) => ({ kind: 'atom' as const, value })),
  wireInt.map((value) => ({ kind: 'number' as const, value })),
);

/** An extension group. */
export const optionArb: fc.Arbitrary<Mt2Option> = fc.record(
  {
    kind: fc.constant('option' as const),
    name: extName,
    values: fc.array(extValue, { maxLength: 3 }),
  },
  { noNullPrototype: true },
);

const extResult: fc.Arbitrary<Mt2ExtensionResult> = status.chain((st) =>
  fc.record(
    {
      kind: fc.constant('result' as const),
      name: extName,
      status: fc.constant(st),
      code: code(st),
      text: extText,
    },
    { noNullPrototype: true },
  ),
);

/** A valid request frame. */
export const requestArb: fc.Arbitrary<Mt2Request> = fc
  .record({
    kind: fc.constant('request' as const),
    tag,
    verb,
    params: fc.array(param, { maxLength: 5 }),
    options: fc.array(optionArb, { maxLength: 3 }),
    joined: fc.boolean(),
  })
  .map((r) => ({ ...r, joined: r.joined && r.params.length > 0 }));

/** A valid response frame. */
export const responseArb: fc.Arbitrary<Mt2Response> = status.chain((st) =>
  fc.record(
    {
      kind: fc.constant('response' as const),
      tag: fc.oneof(tag, fc.constant('*' as const)),
      status: fc.constant(st),
      code: code(st),
      groups: fc.array(fc.oneof(optionArb, extResult), { maxLength: 3 }),
      text: freeText,
    },
    { noNullPrototype: true },
  ),
);

/** A data chunk of 1 to `maxBytes` octets. */
export function chunkArb(maxBytes = 300): fc.Arbitrary<Mt2Chunk> {
  return fc.record(
    {
      kind: fc.constant('chunk' as const),
      tag,
      data: fc.uint8Array({ minLength: 1, maxLength: maxBytes }),
    },
    { noNullPrototype: true },
  );
}

/** Any frame the decoder yields for valid input. */
export const frameArb = fc.oneof(requestArb, responseArb, chunkArb());
