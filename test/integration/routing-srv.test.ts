import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RoutingError,
  RoutingTable,
  SrvRoutes,
  StaticRoutes,
} from '../../src/server/routing/index.ts';
import { startDnsmasq, type RunningServer } from '../helpers/servers.ts';

/** Unknown names under .test get NXDOMAIN (no route), not REFUSED (lookup failure). */
const AUTHORITATIVE_FOR_TEST = '--local=/test/';
let dns: RunningServer | undefined;
const server = () => {
  assert.ok(dns !== undefined, 'dnsmasq did not start');
  return `127.0.0.1:${dns.port}`;
};
before(async () => {
  dns = await startDnsmasq([
    AUTHORITATIVE_FOR_TEST,
    '--srv-host=_mt2._tcp.beta.test,mt2-backup.beta.test,7002,20,0',
    '--srv-host=_mt2._tcp.beta.test,mt2.beta.test,7001,10,5',
    '--srv-host=_mt2._tcp.gamma.test,mt2a.gamma.test,7101,10,1',
    '--srv-host=_mt2._tcp.gamma.test,mt2b.gamma.test,7102,10,3',
    '--srv-host=_mt2._tcp.closed.test',
  ]);
});
after(async () => {
  await dns?.stop();
});

test('SRV records from a real DNS server, lowest priority first', async () => {
  const routes = new SrvRoutes({ servers: [server()] });
  assert.deepEqual(await routes.resolve('Beta.Test'), [
    { host: 'mt2.beta.test', port: 7001 },
    { host: 'mt2-backup.beta.test', port: 7002 },
  ]);
});

test('records of one priority are both offered, heavier first more often', async () => {
  const routes = new SrvRoutes({ servers: [server()], cacheMs: 60_000 });
  let heavyFirst = 0;
  for (let i = 0; i < 400; i++) {
    const order = await routes.resolve('gamma.test');
    assert.deepEqual(order.map((route) => route.port).sort(), [7101, 7102]);
    if (order[0]?.port === 7102) heavyFirst++;
  }
  assert.ok(heavyFirst > 240 && heavyFirst < 360, `weight 3 of 4 led ${heavyFirst} of 400`);
});

test('a domain without records has no route; a "." target means no service', async () => {
  const table = new RoutingTable([new SrvRoutes({ servers: [server()] })]);
  await assert.rejects(table.routesFor('nowhere.test'), { code: 'ROUTE_NONE' });
  await assert.rejects(table.routesFor('closed.test'), { code: 'ROUTE_NONE' });
});

test('the static table wins over DNS', async () => {
  const table = new RoutingTable([
    new StaticRoutes(['beta.test=127.0.0.1:9999']),
    new SrvRoutes({ servers: [server()] }),
  ]);
  assert.deepEqual(await table.routesFor('beta.test'), [{ host: '127.0.0.1', port: 9999 }]);
});

test('answers are cached: a stopped server still routes a domain asked before', async () => {
  const other = await startDnsmasq([
    AUTHORITATIVE_FOR_TEST,
    '--srv-host=_mt2._tcp.delta.test,mt2.delta.test,7301,0,0',
  ]);
  const routes = new SrvRoutes({ servers: [`127.0.0.1:${other.port}`], timeoutMs: 300 });
  assert.equal((await routes.resolve('delta.test'))[0]?.port, 7301);
  await other.stop();
  assert.equal((await routes.resolve('delta.test'))[0]?.port, 7301);
  await assert.rejects(routes.resolve('epsilon.test'), (error: unknown) => {
    return error instanceof RoutingError && error.code === 'ROUTE_LOOKUP_FAILED' && error.transient;
  });
});
