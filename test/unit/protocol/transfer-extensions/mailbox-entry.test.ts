import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatLine } from '../../../../src/protocol/codec/encoder.ts';
import { parseLine } from '../../../../src/protocol/codec/line-parser.ts';
import {
  entryProblem,
  entryText,
  formatEntry,
  parseEntry,
} from '../../../../src/protocol/transfer-extensions/mailbox-entry.ts';
import {
  MAILBOX_FLAGS,
  MAILBOX_RESULT,
  type MailboxEntry,
} from '../../../../src/protocol/transfer-extensions/mailbox-types.ts';

// Visible ASCII but ( ) [ ] { }: every atom character, `;` and `%` included.
const ATOM_CHARS = [...Array(0x7e - 0x20).keys()]
  .map((i) => String.fromCharCode(0x21 + i))
  .filter((c) => !'()[]{}'.includes(c));
const msgId = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ATOM_CHARS), minLength: 1, maxLength: 40 }),
  fc.constantFrom('a;b@x', '%@x', '%25;%3B@x', ';', '%'),
);
// deepStrictEqual tells a null-prototype record from the plain objects the parser builds.
const PLAIN = { noNullPrototype: true } as const;
const positive = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constant(Number.MAX_SAFE_INTEGER));
const size = fc.oneof(fc.nat(100_000), fc.constant(Number.MAX_SAFE_INTEGER));

const liveEntry: fc.Arbitrary<MailboxEntry> = fc.record(
  {
    msgId,
    uid: positive,
    modseq: positive,
    partSizes: fc.record({ envelope: positive, headers: size, body: size }, PLAIN),
    flags: fc.shuffledSubarray([...MAILBOX_FLAGS]),
    expunged: fc.constant(false),
  },
  PLAIN,
);
const tombstone: fc.Arbitrary<MailboxEntry> = fc.record(
  {
    msgId,
    uid: positive,
    modseq: positive,
    partSizes: fc.constant({ envelope: 0, headers: 0, body: 0 }),
    flags: fc.constant([]),
    expunged: fc.constant(true),
  },
  PLAIN,
);
const entry = fc.oneof(liveEntry, tombstone);

/** An entry on a LIST line, through the real encoder and line parser, and back. */
function throughTheWire(entries: readonly MailboxEntry[]): (MailboxEntry | string)[] {
  const line = formatLine({
    kind: 'response',
    tag: 7,
    status: 'TMP',
    code: MAILBOX_RESULT.ENTRIES,
    groups: entries.map(formatEntry),
    text: '',
  });
  const parsed = parseLine(line);
  if (parsed.kind !== 'response') assert.fail(`${line} did not parse: ${parsed.kind}`);
  return parsed.groups.map((group) =>
    group.kind === 'option' ? parseEntry(group) : 'result group',
  );
}

describe('mailbox entries on the wire', () => {
  test('every valid entry formats, goes through a LIST line, and parses back unchanged', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), (entries) => {
        for (const e of entries) assert.equal(entryProblem(e), undefined);
        assert.deepEqual(throughTheWire(entries), entries);
      }),
      { numRuns: 500 },
    );
  });

  test('entryText writes exactly what the encoder writes for the entry group', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), (entries) => {
        const line = (groups: ReturnType<typeof formatEntry>[]) =>
          formatLine({
            kind: 'response',
            tag: 7,
            status: 'TMP',
            code: MAILBOX_RESULT.ENTRIES,
            groups,
            text: '',
          });
        const head = line([]).slice(0, -1);
        assert.equal(
          `${head} ${entries.map(entryText).join(' ')}]`,
          line(entries.map(formatEntry)),
        );
      }),
      { numRuns: 1000 },
    );
  });

  test('whatever a hostile server puts in an MSG or GONE group either fails with a reason or is an entry that formats back to the same group', () => {
    const value = fc.string({
      unit: fc.constantFrom(...ATOM_CHARS.filter((c) => c !== ';'), '0', '1', '9'),
      minLength: 1,
      maxLength: 12,
    });
    const group = fc.record(
      {
        kind: fc.constant('option' as const),
        name: fc.constantFrom('MSG', 'GONE', 'X'),
        values: fc.array(fc.oneof(value, fc.constantFrom(...MAILBOX_FLAGS), fc.nat().map(String)), {
          maxLength: 10,
        }),
      },
      PLAIN,
    );
    fc.assert(
      fc.property(group, (g) => {
        const parsed = parseEntry(g);
        if (typeof parsed === 'string') {
          assert.ok(parsed.length > 0);
          return;
        }
        assert.equal(entryProblem(parsed), undefined);
        assert.deepEqual(formatEntry(parsed), g);
      }),
      { numRuns: 2000 },
    );
  });

  test('examples: escaping, tombstones, flags in order', () => {
    const e: MailboxEntry = {
      msgId: 'a;b%c@x',
      uid: 3,
      modseq: 9,
      partSizes: { envelope: 10, headers: 0, body: 7 },
      flags: ['answered', 'seen'],
      expunged: false,
    };
    assert.deepEqual(formatEntry(e), {
      kind: 'option',
      name: 'MSG',
      values: ['a%3Bb%25c@x', '3', '9', '10', '0', '7', 'answered', 'seen'],
    });
    const gone = { ...e, expunged: true, partSizes: { envelope: 0, headers: 0, body: 0 } };
    assert.deepEqual(formatEntry({ ...gone, flags: [] }).values, ['a%3Bb%25c@x', '3', '9']);
    assert.match(entryProblem(gone) ?? '', /tombstone/);
  });

  test('entryProblem names what is wrong', () => {
    const base: MailboxEntry = {
      msgId: 'm@x',
      uid: 1,
      modseq: 1,
      partSizes: { envelope: 1, headers: 0, body: 0 },
      flags: [],
      expunged: false,
    };
    assert.equal(entryProblem(base), undefined);
    assert.match(entryProblem({ ...base, msgId: '' }) ?? '', /atom/);
    assert.match(entryProblem({ ...base, msgId: 'a b' }) ?? '', /atom/);
    assert.match(entryProblem({ ...base, uid: 0 }) ?? '', /uid/);
    assert.match(entryProblem({ ...base, modseq: 1.5 }) ?? '', /modseq/);
    assert.match(
      entryProblem({ ...base, partSizes: { envelope: 1, headers: -1, body: 0 } }) ?? '',
      /sizes/,
    );
    assert.match(entryProblem({ ...base, flags: ['seen', 'seen'] }) ?? '', /flags/);
  });
});
