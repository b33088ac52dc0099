import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfSettings, DEFAULT_SETTINGS } from '../../../../src/client/index.ts';
import { readKeyFile, writeKeyFile } from '../../../../src/client/accounts/key-file.ts';
import { generateRsaPrivateKey } from '../../../../src/identity/index.ts';
import { tempDir } from '../../../helpers/engine-harness.ts';

test('settings persist in settings.json and start from the defaults', async (t) => {
  const data = await tempDir();
  t.after(() => data.remove());
  const settings = new ConfSettings(data.dir);
  assert.deepEqual(settings.get('trust'), DEFAULT_SETTINGS.trust);
  settings.set('remoteContentSenders', ['bob@alpha.test']);
  assert.deepEqual(new ConfSettings(data.dir).get('remoteContentSenders'), ['bob@alpha.test']);
});

test('a settings file that is not JSON is an error, and it is kept as it was', async (t) => {
  const data = await tempDir();
  t.after(() => data.remove());
  const path = join(data.dir, 'settings.json');
  await writeFile(path, '{"accounts": [');
  assert.throws(() => new ConfSettings(data.dir), SyntaxError);
  assert.equal(await readFile(path, 'utf8'), '{"accounts": [');
});

test('a key file opens with its passphrase only; a wrong one is ENGINE_WRONG_PASSPHRASE and changes nothing', async (t) => {
  const data = await tempDir();
  t.after(() => data.remove());
  const key = await generateRsaPrivateKey();
  await writeKeyFile(data.dir, 'keys/a.pem', key, 'open sesame', { iterations: 1000 });
  const before = await readFile(join(data.dir, 'keys/a.pem'), 'utf8');
  assert.match(before, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  await assert.rejects(readKeyFile(data.dir, 'keys/a.pem', 'open barley'), {
    code: 'ENGINE_WRONG_PASSPHRASE',
  });
  assert.equal(await readFile(join(data.dir, 'keys/a.pem'), 'utf8'), before);
  const opened = await readKeyFile(data.dir, 'keys/a.pem', 'open sesame');
  assert.deepEqual(
    opened.export({ type: 'pkcs8', format: 'der' }),
    key.export({ type: 'pkcs8', format: 'der' }),
  );
});
