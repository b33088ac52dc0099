import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

// electron-builder's own loader and validator: the same code `electron-builder` runs
// before packaging, used here offline because packaging itself needs downloads.
const require = createRequire(import.meta.url);
interface BuilderConfig {
  readonly [key: string]: unknown;
}
const { getConfig, validateConfiguration } =
  require('app-builder-lib/out/util/config/config.js') as {
    getConfig: (projectDir: string) => Promise<BuilderConfig>;
    validateConfiguration: (config: BuilderConfig, logger: unknown) => Promise<void>;
  };
const { DebugLogger } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown;
};

const projectDir = new URL('../..', import.meta.url).pathname;

test('electron-builder.yml passes electron-builder schema validation', async () => {
  const config = await getConfig(projectDir);
  assert.equal(config['appId'], 'org.mt2.client');
  await validateConfiguration(config, new DebugLogger(false));
});

test('the validator rejects a configuration with an unknown key', async () => {
  await assert.rejects(
    validateConfiguration({ appId: 'x', notAnOption: true }, new DebugLogger(false)),
    /notAnOption|unknown property|additional/i,
  );
});
