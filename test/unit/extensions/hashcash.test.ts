import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import {
  checkStamp,
  formatStamp,
  HashcashError,
  MemorySpentStampStore,
  mintStamp,
  parseStamp,
  redeemStamp,
  type HashcashErrorCode,
  type PostagePolicy,
} from '../../../src/extensions/index.ts';

const run = promisify(execFile);
const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date();
const ADDRESS = 'bob@beta.test';
/** Tests use fewer bits than production so that minting takes milliseconds. */
const POLICY: PostagePolicy = { bits: 12, validityMs: 28 * DAY_MS, graceMs: 2 * DAY_MS };

/** The real `hashcash` tool (Debian package hashcash), the interop oracle. */
async function hashcashTool(args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run('hashcash', args);
    return { code: 0, stdout };
  } catch (error) {
    const failure = error as { code?: number | string; stdout?: string };
    if (failure.code === 'ENOENT') {
      assert.fail('the hashcash tool is not installed (apt-get install hashcash; .ci/run does)');
    }
    return { code: Number(failure.code), stdout: failure.stdout ?? '' };
  }
}

function rejectsWith(code: HashcashErrorCode) {
  return (error: unknown) => error instanceof HashcashError && error.code === code;
}

function utcYymmdd(date: Date): string {
  return date.toISOString().slice(2, 10).replaceAll('-', '');
}

describe('stamp format', () => {
  test('parses and formats back a stamp minted by the hashcash tool', async () => {
    const { stdout } = await hashcashTool(['-m', '-q', '-b', '8', '-r', ADDRESS]);
    const text = stdout.trim();
    const stamp = parseStamp(text);
    assert.equal(stamp.resource, ADDRESS);
    assert.equal(stamp.bits, 8);
    assert.equal(formatStamp(stamp), text);
  });

  test('format then parse is identity for generated stamps', () => {
    const field = fc.stringMatching(/^[A-Za-z0-9+/=@.]{1,20}$/);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 160 }),
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom<6 | 10 | 12>(6, 10, 12),
        field,
        fc.stringMatching(/^[A-Za-z0-9=]{0,10}$/),
        field,
        field,
        (bits, when, dateWidth, resource, extension, rand, counter) => {
          const seconds = Math.floor(when.getTime() / 1000) * 1000;
          const text = formatStamp({
            bits,
            date: new Date(seconds),
            dateWidth,
            resource,
            extension,
            rand,
            counter,
          });
          assert.equal(formatStamp(parseStamp(text)), text);
        },
      ),
    );
  });

  for (const [name, text, code] of [
    ['version 0', '0:12:261128:bob@beta.test::r:c', 'HASHCASH_UNSUPPORTED_VERSION'],
    ['six fields', '1:12:261128:bob@beta.test::r', 'HASHCASH_MALFORMED'],
    ['eight fields', '1:12:261128:bob@beta.test::r:c:x', 'HASHCASH_MALFORMED'],
    ['bits not a number', '1:1x:261128:bob@beta.test::r:c', 'HASHCASH_MALFORMED'],
    ['too many bits', '1:161:261128:bob@beta.test::r:c', 'HASHCASH_MALFORMED'],
    ['a February 30th', '1:12:260230:bob@beta.test::r:c', 'HASHCASH_MALFORMED'],
    ['a 7-digit date', '1:12:2611281:bob@beta.test::r:c', 'HASHCASH_MALFORMED'],
    ['an empty counter', '1:12:261128:bob@beta.test::r:', 'HASHCASH_MALFORMED'],
    ['a huge stamp', `1:12:261128:${'a'.repeat(2000)}::r:c`, 'HASHCASH_MALFORMED'],
  ] as const) {
    test(`refuses ${name}`, () => {
      assert.throws(() => parseStamp(text), rejectsWith(code));
    });
  }
});

describe('checking stamps', () => {
  test('accepts a stamp minted by the hashcash tool, whatever the address case', async () => {
    const { stdout } = await hashcashTool(['-m', '-q', '-b', '12', '-r', ADDRESS]);
    const checked = checkStamp(stdout.trim(), 'Bob@Beta.Test', NOW, POLICY);
    assert.equal(checked.stamp.bits, 12);
    assert.ok(checked.expiresAt.getTime() > NOW.getTime() + 27 * DAY_MS);
  });

  test('refuses a stamp for another recipient', async () => {
    const { stdout } = await hashcashTool(['-m', '-q', '-b', '12', '-r', 'carol@beta.test']);
    assert.throws(
      () => checkStamp(stdout.trim(), ADDRESS, NOW, POLICY),
      rejectsWith('HASHCASH_WRONG_RESOURCE'),
    );
  });

  test('refuses a stamp with fewer bits than the policy asks', async () => {
    const { stdout } = await hashcashTool(['-m', '-q', '-b', '8', '-r', ADDRESS]);
    assert.throws(
      () => checkStamp(stdout.trim(), ADDRESS, NOW, POLICY),
      rejectsWith('HASHCASH_INSUFFICIENT_BITS'),
    );
  });

  test('refuses a stamp that claims more bits than its hash has', async () => {
    const { stdout } = await hashcashTool(['-m', '-q', '-b', '12', '-r', ADDRESS]);
    const inflated = stdout.trim().replace(/^1:12:/, '1:40:');
    assert.throws(
      () => checkStamp(inflated, ADDRESS, NOW, POLICY),
      rejectsWith('HASHCASH_INSUFFICIENT_BITS'),
    );
  });

  test('refuses a stamp older than the validity and grace', async () => {
    const old = new Date(NOW.getTime() - 31 * DAY_MS);
    const { stdout } = await hashcashTool([
      '-m',
      '-q',
      '-b',
      '12',
      '-t',
      utcYymmdd(old),
      '-r',
      ADDRESS,
    ]);
    assert.throws(
      () => checkStamp(stdout.trim(), ADDRESS, NOW, POLICY),
      rejectsWith('HASHCASH_EXPIRED'),
    );
  });

  test('refuses a stamp dated beyond the grace period', async () => {
    const stamp = await mintStamp({
      resource: ADDRESS,
      bits: 12,
      date: new Date(NOW.getTime() + 5 * DAY_MS),
    });
    assert.throws(
      () => checkStamp(stamp, ADDRESS, NOW, POLICY),
      rejectsWith('HASHCASH_FUTURE_DATED'),
    );
  });

  test('a stamp pays once: the second redemption is double spending', async () => {
    const stamp = await mintStamp({ resource: ADDRESS, bits: 12 });
    const store = new MemorySpentStampStore();
    await redeemStamp(stamp, ADDRESS, store, NOW, POLICY);
    await assert.rejects(
      redeemStamp(stamp, ADDRESS, store, NOW, POLICY),
      rejectsWith('HASHCASH_DOUBLE_SPENT'),
    );
    assert.equal(store.size, 1);
  });
});

describe('minting in worker threads', () => {
  test('the hashcash tool accepts our 20-bit stamp', async () => {
    const stamp = await mintStamp({ resource: ADDRESS, bits: 20 });
    const result = await hashcashTool(['-c', '-y', '-q', '-b', '20', '-r', ADDRESS, stamp]);
    assert.equal(result.code, 0, `hashcash -cy refused ${stamp}`);
    assert.equal(checkStamp(stamp, ADDRESS, NOW, { ...POLICY, bits: 20 }).stamp.bits, 20);
  });

  test('the hashcash tool refuses a stamp we altered', async () => {
    const stamp = await mintStamp({ resource: ADDRESS, bits: 16 });
    const altered = stamp.slice(0, -1) + (stamp.endsWith('0') ? '1' : '0');
    const result = await hashcashTool(['-c', '-y', '-q', '-b', '16', '-r', ADDRESS, altered]);
    assert.notEqual(result.code, 0);
  });

  test('an aborted mint rejects and stops its workers', async () => {
    const controller = new AbortController();
    const minting = mintStamp({ resource: ADDRESS, bits: 60, signal: controller.signal });
    setTimeout(() => {
      controller.abort();
    }, 50);
    await assert.rejects(minting, rejectsWith('HASHCASH_MINT_ABORTED'));
  });
});
