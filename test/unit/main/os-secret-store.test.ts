// The decision whether Electron's safeStorage may keep the passphrase. The Electron
// binary cannot run here, so the store is a stand-in with the same surface that really
// encrypts (AES-GCM) and reports the backend it is told to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideSecretStore, passphraseKeeper } from '../../../main/os-secret-store.ts';
import { storeWith } from '../../helpers/os-secret-store-stand-in.ts';

test('a real keyring on Linux is used', () => {
  for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) {
    assert.deepEqual(decideSecretStore(storeWith(true, backend), 'linux'), { use: true, backend });
  }
});

test('macOS and Windows use their own store when it is available', () => {
  assert.deepEqual(decideSecretStore(storeWith(true), 'darwin'), {
    use: true,
    backend: 'macOS Keychain',
  });
  assert.deepEqual(decideSecretStore(storeWith(true), 'win32'), {
    use: true,
    backend: 'Windows DPAPI',
  });
  assert.equal(decideSecretStore(storeWith(false), 'darwin').use, false);
});

test('the basic_text fallback is refused, and says so', () => {
  const decision = decideSecretStore(storeWith(true, 'basic_text'), 'linux');
  assert.ok(!decision.use, 'basic_text must be refused');
  assert.match(decision.reason, /basic_text/);
});

test('an unknown or unnamed Linux backend is refused', () => {
  assert.equal(decideSecretStore(storeWith(true, 'unknown'), 'linux').use, false);
  assert.equal(decideSecretStore(storeWith(true), 'linux').use, false);
  assert.equal(decideSecretStore(storeWith(false, 'gnome_libsecret'), 'linux').use, false);
});

test('the keeper seals and opens with a real backend', () => {
  const store = storeWith(true, 'gnome_libsecret');
  const keeper = passphraseKeeper(store, 'linux');
  const sealed = keeper.seal('correct horse');
  assert.ok(sealed !== undefined);
  assert.ok(!sealed.includes(Buffer.from('correct horse')));
  assert.equal(keeper.open(sealed), 'correct horse');
  // Damaged or foreign bytes: ask the user rather than fail.
  assert.equal(keeper.open(Buffer.alloc(40)), undefined);
});

test('the keeper never hands the passphrase to basic_text', () => {
  const store = storeWith(true, 'basic_text');
  const keeper = passphraseKeeper(store, 'linux');
  assert.equal(keeper.seal('correct horse'), undefined);
  assert.equal(store.calls, 0);
  const sealedElsewhere = storeWith(true, 'basic_text').encryptString('x');
  assert.equal(keeper.open(sealedElsewhere), undefined);
});
