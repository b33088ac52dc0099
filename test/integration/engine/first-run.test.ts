// First run on a real mt2d: the engine makes the local domain, the user's key and CSR,
// has the server's CA certify it, sends a signed and encrypted message to the user
// and reads it back verified; the next run needs the passphrase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../../src/api/index.ts';
import { eventually, mt2dProcessHost, tempDir, testEngine } from '../../helpers/engine-harness.ts';

test('first run: identity, send to oneself, read it back verified; later runs unlock', async (t) => {
  const data = await tempDir();
  const host = mt2dProcessHost();
  let engine = await testEngine({ dataDir: data.dir, embeddedServer: host });
  t.after(async () => {
    await engine.close();
    for (const process of host.processes) await process.kill().catch(() => undefined);
    await data.remove();
  });
  assert.equal((await engine.status({})).phase, 'needs-onboarding');

  const account = await engine.createLocalIdentity({
    displayName: 'Alice Example',
    localPart: 'alice',
    passphrase: 'correct horse',
  });
  assert.match(account.address, /^alice@u[0-9a-f]{12}\.mt2\.localhost$/);
  assert.equal(account.kind, 'embedded');
  assert.equal(account.certificate.subject, account.address);
  assert.equal((await engine.status({})).phase, 'ready');

  const sent = await engine.send({
    accountId: account.id,
    to: [account.address],
    cc: [],
    subject: 'Note to self',
    text: 'Remember the milk.',
    attachments: [],
    sign: true,
    encrypt: true,
    requestReadNotification: false,
  });
  assert.equal(sent.folder, 'outbox');
  assert.equal(sent.encrypted, true);
  await engine.syncNow({});
  await engine.syncNow({});

  const inbox = await engine.listMessages({ folder: 'inbox', limit: 10 });
  assert.equal(inbox.items.length, 1);
  const received = inbox.items[0];
  assert.ok(received !== undefined);
  assert.equal(received.subject, 'Note to self');
  assert.equal(received.verification, 'verified');
  const body = await engine.openBody({ ref: received.ref });
  assert.equal(body.text?.trim(), 'Remember the milk.');
  const message = await engine.getMessage({ ref: received.ref });
  assert.equal(message.security.badge, 'verified');
  assert.equal(message.security.signature.state, 'valid');
  assert.equal(message.security.trace.state, 'valid');
  assert.ok(message.security.trace.hops.length >= 1);
  assert.deepEqual([...message.security.encryptedParts].sort(), ['body', 'headers']);
  const sentFolder = await engine.listMessages({ folder: 'sent', limit: 10 });
  assert.equal(sentFolder.items[0]?.send?.state, 'sent');
  await engine.close();

  // The next run: locked until the right passphrase; a wrong one changes nothing.
  engine = await testEngine({ dataDir: data.dir, embeddedServer: host });
  assert.equal((await engine.status({})).phase, 'locked');
  await assert.rejects(engine.unlock({ passphrase: 'wrong' }), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, 'ENGINE_WRONG_PASSPHRASE');
    return true;
  });
  assert.equal((await engine.status({})).phase, 'locked');
  assert.equal((await engine.unlock({ passphrase: 'correct horse' })).phase, 'ready');
  await eventually(async () => {
    const page = await engine.listMessages({ folder: 'inbox', limit: 10 });
    assert.equal(page.items[0]?.subject, 'Note to self');
  });
  await engine.syncNow({});
  assert.equal(engine.runtime(account.id).lastReport?.added, 0);
});
