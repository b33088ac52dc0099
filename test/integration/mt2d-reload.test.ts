// A real `mt2d serve` process reloaded with SIGHUP: filters, trust files, users and lists
// are read again while a session opened before the reload goes on; a configuration that
// does not read is refused with a log line and the running one stays. `mt2d user remove`
// takes a user's mailbox away (refused in HELO after the reload), `--purge` empties it.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Mt2Error, RESULT, type Mt2Connection } from '../../src/protocol/index.ts';
import {
  MessageStore,
  dataDirLayout,
  parseConfig,
  type ServerConfig,
} from '../../src/server/index.ts';
import {
  connectUser,
  initMt2dDir,
  makeUser,
  readHostIdentity,
  runMt2d,
  startMt2dProcess,
  type LogEvent,
  type Mt2dDir,
  type Mt2dProcess,
  type TestIdentity,
  type TestUser,
} from '../helpers/mt2d-process.ts';
import { buildSignedMessage } from '../helpers/signed-message.ts';

let alpha: Mt2dDir;
let beta: Mt2dDir;
let server: Mt2dProcess;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
/** beta's host certificate, to open host sessions with. */
let betaHost: TestIdentity;
/** alice's session, opened before any reload and used across them. */
let aliceSession: Mt2Connection;

function configPath(): string {
  return dataDirLayout(alpha.dir).config;
}

async function configure(edit: (config: ServerConfig) => ServerConfig): Promise<void> {
  const config = parseConfig(JSON.parse(await readFile(configPath(), 'utf8')));
  await writeFile(configPath(), JSON.stringify(edit(config), null, 2));
}

/** Sends SIGHUP and waits for the reload's own log line (`reloaded` or `reload-refused`). */
async function hangUp(): Promise<LogEvent> {
  const seen = server.events.length;
  process.kill(server.pid, 'SIGHUP');
  return server.waitFor(
    (e) =>
      (e.event === 'reloaded' || e.event === 'reload-refused') && server.events.indexOf(e) >= seen,
  );
}

function lastHeloRefusal(): string {
  return String(server.events.filter((e) => e.event === 'helo-refused').at(-1)?.['reason']);
}

function refusedWith(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof Mt2Error, String(error));
    assert.equal(error.result, code, `${error.result} ${error.message}`);
    return true;
  };
}

async function send(connection: Mt2Connection, from: TestUser, to: string): Promise<string> {
  const message = await buildSignedMessage(
    { from: from.address, to: [to], subject: 'Reload', text: 'Still here.' },
    from.credentials,
  );
  const result = await connection.session.transferMessage(message.msgId, message.parts);
  assert.equal(result.committed, true);
  return message.msgId;
}

before(async () => {
  [alpha, beta] = await Promise.all([initMt2dDir('alpha.test'), initMt2dDir('beta.test')]);
  [alice, bob, carol] = await Promise.all([
    makeUser(alpha.dir, 'alice@alpha.test'),
    makeUser(alpha.dir, 'bob@alpha.test'),
    makeUser(alpha.dir, 'carol@alpha.test'),
  ]);
  betaHost = await readHostIdentity(beta.dir, alice.caCertificate);
  server = await startMt2dProcess(alpha.dir);
  aliceSession = await connectUser(server, alice, { hostname: alpha.hostname });
});

after(async () => {
  aliceSession.destroy();
  await server.stop();
  await Promise.all([alpha.remove(), beta.remove()]);
});

describe('mt2d: reload on SIGHUP', () => {
  test('filters are read again; a session opened before goes on', async () => {
    await send(aliceSession, alice, carol.address);
    await configure((config) => ({
      ...config,
      filters: { ...config.filters, blockedRecipients: [carol.address] },
    }));
    const reloaded = await hangUp();
    assert.equal(reloaded.event, 'reloaded', JSON.stringify(reloaded));
    assert.equal(reloaded['needsRestart'], '');
    await send(aliceSession, alice, bob.address);
    await assert.rejects(
      send(aliceSession, alice, carol.address),
      refusedWith(RESULT.RECIPIENT_PROHIBITED),
    );
  });

  test('a configuration that does not read is refused; the running one stays', async () => {
    const good = await readFile(configPath(), 'utf8');
    await writeFile(configPath(), good.replace('"filters"', '"filtres"'));
    const refused = await hangUp();
    assert.equal(refused.event, 'reload-refused');
    assert.equal(refused['code'], 'MT2D_CONFIG_INVALID');
    assert.match(String(refused['reason']), /filtres/);
    await send(aliceSession, alice, bob.address);
    await assert.rejects(
      send(aliceSession, alice, carol.address),
      refusedWith(RESULT.RECIPIENT_PROHIBITED),
      'the filter of the running configuration still holds',
    );

    await writeFile(configPath(), good.replace('"alpha.test"', '"gamma.test"'));
    const otherDomain = await hangUp();
    assert.equal(otherDomain['code'], 'MT2D_RELOAD_REFUSED');

    await writeFile(configPath(), good);
    await configure((config) => ({
      ...config,
      limits: { ...config.limits, maxSessions: 5, partCacheBytes: 1024 },
    }));
    const restartOnly = await hangUp();
    assert.equal(restartOnly.event, 'reloaded');
    assert.equal(restartOnly['needsRestart'], 'limits.maxSessions,limits.partCacheBytes');
  });

  test('encryption required: clear parts refused (99.0.5.57); a hidden Subject is not seen', async () => {
    await configure((config) => ({
      ...config,
      filters: { ...config.filters, encryption: 'required', blockedSubjects: ['secret plan'] },
    }));
    assert.equal((await hangUp()).event, 'reloaded');
    const bobCertificate = bob.credentials.certificate;
    const draft = { from: alice.address, to: [bob.address], subject: 'The secret plan' };
    const clear = await buildSignedMessage(draft, alice.credentials);
    await assert.rejects(
      aliceSession.session.transferMessage(clear.msgId, clear.parts),
      refusedWith(RESULT.ENCRYPTION_REFUSED),
    );
    const headersOnly = await buildSignedMessage(
      { ...draft, encrypt: { parts: ['headers'], recipients: [bobCertificate] } },
      alice.credentials,
    );
    await assert.rejects(
      aliceSession.session.transferMessage(headersOnly.msgId, headersOnly.parts),
      refusedWith(RESULT.ENCRYPTION_REFUSED),
      'the body is still in the clear',
    );
    const sealed = await buildSignedMessage(
      { ...draft, encrypt: { parts: ['headers', 'body'], recipients: [bobCertificate] } },
      alice.credentials,
    );
    const result = await aliceSession.session.transferMessage(sealed.msgId, sealed.parts);
    assert.equal(result.committed, true, 'the server cannot read the encrypted Subject');
    await configure((config) => ({
      ...config,
      filters: { ...config.filters, encryption: 'any', blockedSubjects: [] },
    }));
    assert.equal((await hangUp()).event, 'reloaded');
  });

  test("trust files are read again: another domain's host is taken after the reload", async () => {
    await assert.rejects(
      connectUser(server, betaHost, { hostname: alpha.hostname }),
      refusedWith(RESULT.CERTIFICATE_UNTRUSTED),
    );
    const betaCa = dataDirLayout(beta.dir).caCertificate;
    await configure((config) => ({ ...config, trust: { ...config.trust, caFiles: [betaCa] } }));
    assert.equal((await hangUp()).event, 'reloaded');
    const host = await connectUser(server, betaHost, { hostname: alpha.hostname });
    await host.session.quit();
    host.destroy();

    const missing = join(alpha.dir, 'no-such-ca.pem');
    await configure((config) => ({ ...config, trust: { ...config.trust, caFiles: [missing] } }));
    const refused = await hangUp();
    assert.equal(refused['code'], 'MT2D_CONFIG_INVALID');
    assert.match(String(refused['reason']), /no-such-ca\.pem/);
    const still = await connectUser(server, betaHost, { hostname: alpha.hostname });
    await still.session.quit();
    still.destroy();
    await configure((config) => ({ ...config, trust: { ...config.trust, caFiles: [betaCa] } }));
  });

  test('a list added while serving is served after the reload; the owner adds members', async () => {
    const board = 'board@alpha.test';
    const added = await runMt2d(['list', 'add', '--dir', alpha.dir, board, '--closed']);
    assert.equal(added.code, 0, added.stderr);
    await assert.rejects(send(aliceSession, alice, board), refusedWith(RESULT.UNKNOWN_RECIPIENT));
    assert.equal((await hangUp()).event, 'reloaded');
    await send(aliceSession, alice, board); // served now (alice is no member: refused by the list)
    await server.waitFor((e) => e.event === 'list.refused' && e['code'] === 'LIST_NOT_MEMBER');

    const members = (...add: string[]) =>
      runMt2d(['list', 'members', '--dir', alpha.dir, board, ...add.flatMap((m) => ['--add', m])]);
    const bad = await members(bob.address, 'not an address');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /MT2D_LIST_MEMBER_INVALID: 'not an address' is no address/);
    assert.equal((await members()).stdout, '', 'nothing was added');
    const ok = await members(bob.address, 'Bob@Alpha.test.', carol.address);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(ok.stdout.trim().split('\n'), [bob.address, carol.address]);
    assert.deepEqual((await members()).stdout.trim().split('\n'), [bob.address, carol.address]);

    // No reload: the list reads its state file again before its next message.
    const bobSession = await connectUser(server, bob, { hostname: alpha.hostname });
    const postId = await send(bobSession, bob, board);
    await bobSession.session.quit();
    bobSession.destroy();
    const posted = await server.waitFor((e) => e.event === 'list.posted' && e['msgId'] === postId);
    assert.equal(posted['members'], 2, 'the post goes to both members added by hand');
  });

  test('user remove: after the reload the user is refused in HELO (99.0.5.40); a new certificate replaces the old', async () => {
    const bobSession = await connectUser(server, bob, { hostname: alpha.hostname });
    await send(bobSession, bob, alice.address);
    const purgeWhileServing = await runMt2d([
      'user',
      'remove',
      '--dir',
      alpha.dir,
      'alice@alpha.test',
      '--purge',
    ]);
    assert.equal(purgeWhileServing.code, 1);
    assert.match(purgeWhileServing.stderr, /STORE_LOCKED/);
    const removed = await runMt2d(['user', 'remove', '--dir', alpha.dir, 'Alice@alpha.test']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /alice@alpha\.test: removed, mailbox kept/);
    const again = await runMt2d(['user', 'remove', '--dir', alpha.dir, 'alice@alpha.test']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /MT2D_USER_UNKNOWN/);

    const bobBefore = bobSession.session.state;
    const reloaded = await hangUp();
    assert.equal(reloaded.event, 'reloaded');
    assert.equal(reloaded['endedSessions'], 1, "alice's session, open since the start, is ended");
    await assert.rejects(aliceSession.session.noop());
    assert.equal(bobSession.session.state, bobBefore, "bob's session goes on");
    await assert.rejects(
      connectUser(server, alice, { hostname: alpha.hostname }),
      refusedWith(RESULT.UNAUTHORISED_CLIENT),
    );
    await assert.rejects(
      send(bobSession, bob, alice.address),
      refusedWith(RESULT.UNKNOWN_RECIPIENT),
    );
    const refusedHelo = server.events.find(
      (e) => e.event === 'helo-refused' && String(e['reason']).includes('alice@alpha.test'),
    );
    assert.equal(refusedHelo?.['code'], RESULT.UNAUTHORISED_CLIENT);

    // alice comes back with a new key: her new certificate is taken, the old one is not,
    // though both are valid under the domain CA.
    const newAlice = await makeUser(alpha.dir, 'alice@alpha.test');
    const back = await connectUser(server, newAlice, { hostname: alpha.hostname });
    await back.session.quit();
    back.destroy();
    await assert.rejects(
      connectUser(server, alice, { hostname: alpha.hostname }),
      refusedWith(RESULT.UNAUTHORISED_CLIENT),
    );
    assert.match(lastHeloRefusal(), /not the certificate issued to alice@alpha\.test/);
    await bobSession.session.quit();
    bobSession.destroy();
  });

  test('user remove --purge with mt2d stopped empties the mailbox', async () => {
    await server.stop();
    const store = await MessageStore.open(dataDirLayout(alpha.dir).store);
    const live = store.list(carol.address).entries.filter((e) => !e.expunged).length;
    await store.close();
    assert.ok(live > 0, 'carol has mail');
    const purged = await runMt2d(['user', 'remove', '--dir', alpha.dir, carol.address, '--purge']);
    assert.equal(purged.code, 0, purged.stderr);
    assert.match(purged.stdout, new RegExp(`carol@alpha\\.test: removed, ${live} messages purged`));
    const after = await MessageStore.open(dataDirLayout(alpha.dir).store);
    try {
      assert.deepEqual(
        after.list(carol.address).entries.filter((e) => !e.expunged),
        [],
      );
      assert.ok(
        after.list(bob.address).entries.some((e) => !e.expunged),
        "bob's mailbox is untouched",
      );
    } finally {
      await after.close();
      server = await startMt2dProcess(alpha.dir);
    }
  });
});
