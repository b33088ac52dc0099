import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SrvRecord } from 'node:dns';
import {
  orderSrvRecords,
  parseRoute,
  RoutingError,
  RoutingTable,
  StaticRoutes,
  type RoutingErrorCode,
} from '../../../../src/server/routing/index.ts';

const code = (expected: RoutingErrorCode) => (error: unknown) =>
  error instanceof RoutingError && error.code === expected;

/** A small seeded generator (mulberry32), so weighted draws are repeatable. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const srv = (name: string, port: number, priority: number, weight: number): SrvRecord => ({
  name,
  port,
  priority,
  weight,
});

describe('routes', () => {
  test('parses HOST:PORT and bracketed IPv6', () => {
    assert.deepEqual(parseRoute('mt2.beta.test:7001'), { host: 'mt2.beta.test', port: 7001 });
    assert.deepEqual(parseRoute('[::1]:7001'), { host: '::1', port: 7001 });
  });

  for (const bad of ['mt2.beta.test', 'host:0', 'host:70000', ':7001', 'a b:1', '::1:7001']) {
    test(`refuses '${bad}'`, () => {
      assert.throws(() => parseRoute(bad), code('ROUTE_INVALID'));
    });
  }

  test('the static table answers case-insensitively, in the order given', async () => {
    const table = new StaticRoutes([
      'Beta.Test=127.0.0.1:7001',
      'beta.test=127.0.0.1:7002',
      'gamma.test=[::1]:7003',
    ]);
    assert.deepEqual(await table.resolve('beta.test.'), [
      { host: '127.0.0.1', port: 7001 },
      { host: '127.0.0.1', port: 7002 },
    ]);
    assert.deepEqual(await table.resolve('delta.test'), []);
    assert.throws(() => new StaticRoutes(['beta.test']), code('ROUTE_INVALID'));
  });

  test('the routing table asks each resolver in turn and fails with ROUTE_NONE', async () => {
    const table = new RoutingTable([
      new StaticRoutes(['beta.test=127.0.0.1:7001']),
      new StaticRoutes(['gamma.test=127.0.0.1:7002']),
    ]);
    assert.deepEqual(await table.routesFor('gamma.test'), [{ host: '127.0.0.1', port: 7002 }]);
    await assert.rejects(table.routesFor('delta.test'), code('ROUTE_NONE'));
  });
});

describe('SRV ordering (RFC 2782)', () => {
  test('lower priority always comes first', () => {
    const records = [srv('b', 2, 20, 100), srv('a', 1, 10, 1), srv('c', 3, 30, 50)];
    for (let seed = 0; seed < 50; seed++) {
      assert.deepEqual(
        orderSrvRecords(records, seeded(seed)).map((route) => route.host),
        ['a', 'b', 'c'],
      );
    }
  });

  test('within a priority, a record of weight 3 leads about three times as often as weight 1', () => {
    const records = [srv('light', 1, 10, 1), srv('heavy', 2, 10, 3)];
    const random = seeded(42);
    let heavyFirst = 0;
    const trials = 4000;
    for (let i = 0; i < trials; i++) {
      const order = orderSrvRecords(records, random);
      assert.equal(order.length, 2);
      if (order[0]?.host === 'heavy') heavyFirst++;
    }
    const share = heavyFirst / trials;
    assert.ok(share > 0.72 && share < 0.78, `heavy first in ${share} of trials, expected 0.75`);
  });

  test('weight 0 records come after the weighted ones', () => {
    const records = [srv('zero', 1, 10, 0), srv('some', 2, 10, 1), srv('more', 3, 10, 5)];
    const random = seeded(7);
    for (let i = 0; i < 500; i++) {
      assert.equal(orderSrvRecords(records, random)[2]?.host, 'zero');
    }
  });

  test('a single "." target means the service is not offered', () => {
    assert.deepEqual(orderSrvRecords([srv('.', 0, 0, 0)], Math.random), []);
  });
});
