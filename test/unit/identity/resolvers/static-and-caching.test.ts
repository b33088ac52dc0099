import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CachingResolver,
  caStoreOf,
  IdentityValidator,
  parseCertificate,
  ResolverError,
  StaticFileResolver,
  type CaResolver,
  type ResolvedCa,
} from '../../../../src/identity/index.ts';
import { makeFixturePki, type FixturePki } from '../validation/fixtures.ts';

let pki: FixturePki;
let folder: string;
before(() => {
  pki = makeFixturePki();
  folder = join(pki.dir, 'static');
  mkdirSync(folder);
  copyFileSync(pki.exampleCa.pemPath, join(folder, 'example.org.pem'));
  writeFileSync(join(folder, 'broken.test.pem'), 'not a certificate');
});
after(() => {
  pki.cleanup();
});

describe('StaticFileResolver', () => {
  test('reads DOMAIN.pem and validates through it (source delegated)', async () => {
    const resolver = new StaticFileResolver(folder);
    const found = await resolver.resolve('Example.ORG.');
    assert.deepEqual(Buffer.from(found[0]?.der ?? []), Buffer.from(pki.exampleCa.der));
    const validator = new IdentityValidator({ store: caStoreOf([], false), resolver });
    const verdict = await validator.validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: { kind: 'user', address: 'alice@example.org' },
    });
    assert.equal(verdict.valid, true);
    assert.equal(verdict.source, 'delegated');
    assert.match(verdict.caOrigin ?? '', /^file:.*example\.org\.pem$/);
  });

  test('a domain without a file resolves to nothing', async () => {
    assert.deepEqual(await new StaticFileResolver(folder).resolve('absent.test'), []);
  });

  test('a file without a certificate rejects with RESOLVER_BAD_RESPONSE', async () => {
    await assert.rejects(
      new StaticFileResolver(folder).resolve('broken.test'),
      (error: unknown) => error instanceof ResolverError && error.code === 'RESOLVER_BAD_RESPONSE',
    );
  });

  test('path tricks are refused with INVALID_DOMAIN', async () => {
    for (const name of ['../example.org', 'a/b', '', 'x'.repeat(300), '-bad.test']) {
      await assert.rejects(
        new StaticFileResolver(folder).resolve(name),
        (error: unknown) => error instanceof ResolverError && error.code === 'INVALID_DOMAIN',
        name,
      );
    }
  });
});

describe('CachingResolver', () => {
  function counting(answer: readonly ResolvedCa[]): CaResolver & { calls: number } {
    const resolver = {
      name: 'counting',
      calls: 0,
      resolve(): Promise<readonly ResolvedCa[]> {
        resolver.calls += 1;
        return Promise.resolve(answer);
      },
    };
    return resolver;
  }

  test('keeps an answer for ttlMs, then asks again', async () => {
    let clock = 0;
    const inner = counting([{ der: pki.exampleCa.der, origin: 'x' }]);
    const cache = new CachingResolver(inner, { ttlMs: 100, now: () => clock });
    await cache.resolve('example.org');
    clock = 99;
    await cache.resolve('example.org');
    assert.equal(inner.calls, 1);
    clock = 100;
    await cache.resolve('example.org');
    assert.equal(inner.calls, 2);
  });

  test('shares one lookup between concurrent callers and forgets failures', async () => {
    const inner = counting([]);
    const cache = new CachingResolver(inner);
    await Promise.all([cache.resolve('a.test'), cache.resolve('a.test'), cache.resolve('A.test')]);
    assert.equal(inner.calls, 1);
    let failures = 0;
    const failing = new CachingResolver({
      name: 'failing',
      resolve: () => {
        failures += 1;
        return Promise.reject(new ResolverError('RESOLVER_TIMEOUT', 'slow'));
      },
    });
    await assert.rejects(failing.resolve('b.test'));
    await assert.rejects(failing.resolve('b.test'));
    assert.equal(failures, 2);
  });

  test('holds at most maxEntries domains, dropping the oldest', async () => {
    const inner = counting([]);
    const cache = new CachingResolver(inner, { maxEntries: 2 });
    await cache.resolve('one.test');
    await cache.resolve('two.test');
    await cache.resolve('three.test');
    await cache.resolve('three.test');
    await cache.resolve('two.test');
    assert.equal(inner.calls, 3);
    await cache.resolve('one.test');
    assert.equal(inner.calls, 4);
  });
});
