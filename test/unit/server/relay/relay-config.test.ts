import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig, parseConfig } from '../../../../src/server/index.ts';

const base = { version: 1, domain: 'alpha.test', hostname: 'mt2.alpha.test' };

test('mt2d.json without a relay section gets the relay defaults', () => {
  const config = parseConfig(base);
  assert.deepEqual(config.relay, defaultConfig('alpha.test', 'mt2.alpha.test').relay);
  assert.equal(config.relay.initialRetryDelayMs, 30_000);
  assert.deepEqual(config.relay.dnsServers, []);
});

test('relay keys given override the defaults one by one', () => {
  const config = parseConfig({
    ...base,
    relay: { dnsServers: ['127.0.0.1:5353'], initialRetryDelayMs: 500, maxKeptSessions: 0 },
  });
  assert.deepEqual(config.relay.dnsServers, ['127.0.0.1:5353']);
  assert.equal(config.relay.initialRetryDelayMs, 500);
  assert.equal(config.relay.maxKeptSessions, 0);
  assert.equal(config.relay.maxMessagesPerBatch, 100);
});

test('a bad or unknown relay key is refused, naming it', () => {
  assert.throws(() => parseConfig({ ...base, relay: { maxMessagesPerBatch: 0 } }), {
    code: 'MT2D_CONFIG_INVALID',
    message: /relay\.maxMessagesPerBatch/,
  });
  assert.throws(() => parseConfig({ ...base, relay: { dnsServers: '1.1.1.1' } }), {
    code: 'MT2D_CONFIG_INVALID',
    message: /relay\.dnsServers/,
  });
  assert.throws(() => parseConfig({ ...base, relay: { retryDelay: 5 } }), {
    code: 'MT2D_CONFIG_INVALID',
    message: /relay\.retryDelay/,
  });
});
