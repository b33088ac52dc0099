// The passphrase kept between runs by the OS secret store, with a safeStorage-shaped
// stand-in (the Electron binary cannot run here): kept sealed only with a real keyring,
// never with basic_text; damaged files are dropped; only calls that proved the
// passphrase (through the real call bridge) keep it.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loggedCallBridge } from '../../../main/bridge.ts';
import {
  RememberedPassphrase,
  rememberingBridge,
  SEALED_FILE,
} from '../../../main/remembered-passphrase.ts';
import { createEchoApi } from '../../helpers/echo-api.ts';
import { storeWith } from '../../helpers/os-secret-store-stand-in.ts';

const PASSPHRASE = 'correct horse battery';
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mt2-remembered-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('the remembered passphrase', () => {
  test('with a real keyring it is kept sealed (0600, not in the clear) and opens next run', async () => {
    const store = storeWith(true, 'gnome_libsecret');
    await new RememberedPassphrase(store, 'linux', dir).remember(PASSPHRASE);
    const path = join(dir, SEALED_FILE);
    const sealed = await readFile(path);
    assert.ok(!sealed.includes(Buffer.from(PASSPHRASE)), 'the passphrase is sealed');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(await new RememberedPassphrase(store, 'linux', dir).load(), PASSPHRASE);
  });

  test('with basic_text nothing is written and nothing is opened', async () => {
    const keyring = storeWith(true, 'gnome_libsecret');
    const fallback = storeWith(true, 'basic_text');
    const remembered = new RememberedPassphrase(fallback, 'linux', dir);
    assert.equal(remembered.decision.use, false);
    await remembered.remember(PASSPHRASE);
    assert.equal(await exists(join(dir, SEALED_FILE)), false);
    assert.equal(fallback.calls, 0, 'basic_text never saw the passphrase');
    // Sealed while a keyring answered; now only basic_text does: asked again.
    await new RememberedPassphrase(keyring, 'linux', dir).remember(PASSPHRASE);
    assert.equal(await remembered.load(), undefined);
  });

  test('no store at all: nothing kept', async () => {
    const remembered = new RememberedPassphrase(storeWith(false), 'darwin', dir);
    await remembered.remember(PASSPHRASE);
    assert.equal(await remembered.load(), undefined);
    assert.equal(await exists(join(dir, SEALED_FILE)), false);
  });

  test('a damaged or oversized file is dropped, and the passphrase asked', async () => {
    const remembered = new RememberedPassphrase(storeWith(true, 'kwallet6'), 'linux', dir);
    const path = join(dir, SEALED_FILE);
    await writeFile(path, Buffer.alloc(64, 7));
    assert.equal(await remembered.load(), undefined);
    assert.equal(await exists(path), false);
    await writeFile(path, Buffer.alloc(1024 * 1024));
    assert.equal(await remembered.load(), undefined);
    assert.equal(await exists(path), false);
    // Sealed by another key (another user's keyring): the same.
    await new RememberedPassphrase(storeWith(true, 'kwallet6'), 'linux', dir).remember(PASSPHRASE);
    assert.equal(await remembered.load(), undefined);
    assert.equal(await exists(path), false);
  });

  test('only a call that proved the passphrase keeps it', async () => {
    const store = storeWith(true, 'gnome_libsecret');
    const remembered = new RememberedPassphrase(store, 'linux', dir);
    const { api } = createEchoApi();
    const bridge = rememberingBridge(loggedCallBridge(api), remembered);
    // Refused before the engine (bad params), or a method that takes no passphrase.
    assert.equal((await bridge('unlock', { passphrase: '' })).ok, false);
    assert.equal((await bridge('listFolders', {})).ok, true);
    assert.equal(await remembered.load(), undefined);
    assert.equal((await bridge('unlock', { passphrase: PASSPHRASE })).ok, true);
    assert.equal(await remembered.load(), PASSPHRASE);
  });
});
