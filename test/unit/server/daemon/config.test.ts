import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DaemonError,
  defaultConfig,
  parseConfig,
  readConfig,
  writeConfig,
} from '../../../../src/server/index.ts';

const code = (expected: string) => (error: unknown) =>
  error instanceof DaemonError && error.code === expected;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mt2d-config-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mt2d.json', () => {
  test('the default configuration reads back as itself', async () => {
    const config = defaultConfig('alpha.test', 'mt2.alpha.test');
    await writeConfig(join(dir, 'mt2d.json'), config);
    assert.deepEqual(await readConfig(join(dir, 'mt2d.json')), config);
  });

  test('missing sections take their defaults; addresses of whitelists are lower-cased', () => {
    const config = parseConfig({
      version: 1,
      domain: 'Alpha.Test',
      hostname: 'MT2.alpha.test',
      limits: { maxSessions: 5, partCacheBytes: 0 },
      whitelists: { 'Bob@Alpha.test': ['@beta.test'] },
    });
    assert.equal(config.domain, 'alpha.test');
    assert.equal(config.limits.maxSessions, 5);
    assert.equal(config.limits.maxInFlight, 64);
    assert.equal(config.limits.partCacheBytes, 0, 'a part cache of 0 keeps nothing');
    assert.equal(config.postage.bits, 20);
    assert.deepEqual(config.postage.exemptSenders, ['@alpha.test']);
    assert.deepEqual(config.whitelists['bob@alpha.test'], ['@beta.test']);
  });

  test('an unknown key is refused, naming it (a typo must not change policy)', () => {
    const base = { version: 1, domain: 'alpha.test', hostname: 'mt2.alpha.test' };
    assert.throws(() => parseConfig({ ...base, filter: {} }), /filter/);
    assert.throws(
      () => parseConfig({ ...base, filters: { blockedSender: [] } }),
      (error: unknown) => code('MT2D_CONFIG_INVALID')(error) && /blockedSender/.test(String(error)),
    );
  });

  test('wrong types and values are refused with the key', () => {
    const base = { version: 1, domain: 'alpha.test', hostname: 'mt2.alpha.test' };
    for (const bad of [
      { ...base, version: 2 },
      { ...base, domain: '' },
      { ...base, limits: { maxSessions: 0 } },
      { ...base, limits: { maxInFlight: 1.5 } },
      { ...base, limits: { partCacheBytes: -1 } },
      { ...base, limits: { partCacheBytes: '64MiB' } },
      { ...base, postage: { bits: -1 } },
      { ...base, filters: { checkMime: 'yes' } },
      { ...base, filters: { blockedHosts: 'x' } },
      { ...base, routes: { 'beta.test': 7 } },
      [],
      null,
    ]) {
      assert.throws(() => parseConfig(bad), code('MT2D_CONFIG_INVALID'), JSON.stringify(bad));
    }
  });

  test('a missing file is MT2D_NOT_INITIALISED, a file that is not JSON MT2D_CONFIG_INVALID', async () => {
    await assert.rejects(readConfig(join(dir, 'absent.json')), code('MT2D_NOT_INITIALISED'));
    await writeFile(join(dir, 'broken.json'), '{"version": 1,');
    await assert.rejects(readConfig(join(dir, 'broken.json')), code('MT2D_CONFIG_INVALID'));
  });
});
