// Every pre-transfer filter of mt2d, each seen through its own result code, against a
// real `mt2d serve` process over TLS. Postage stamps come from the real `hashcash` tool.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  certificatesToPem,
  createCsr,
  createDomainCa,
  createHostCredentials,
  domainCaFrom,
  generateRsaPrivateKey,
  issueUserCertificate,
  readCertificate,
  readPrivateKey,
  type Credentials,
  type DomainCa,
} from '../../src/identity/index.ts';
import { encodeEnvelope, type Mt2Extension } from '../../src/message/index.ts';
import { HASHCASH_OID } from '../../src/extensions/index.ts';
import { Mt2Error, RESULT, type Mt2Connection } from '../../src/protocol/index.ts';
import { parseConfig, type ServerConfig } from '../../src/server/index.ts';
import {
  connectUser,
  initMt2dDir,
  makeUser,
  runMt2d,
  startMt2dProcess,
  type Mt2dDir,
  type Mt2dProcess,
  type TestIdentity,
  type TestUser,
} from '../helpers/mt2d-process.ts';
import { buildSignedMessage, type MessageDraft } from '../helpers/signed-message.ts';

const POSTAGE_BITS = 10;
let alpha: Mt2dDir;
let server: Mt2dProcess;
let alphaCa: DomainCa;
let alice: TestUser;
let mallory: TestUser;
let scratch: string;
/** Hosts of other domains: beta (blacklisted), gamma (unknown CA), delta (blacklisted issuer), epsilon (not whitelisted). */
const hosts = new Map<string, TestIdentity>();

function host(name: string): TestIdentity {
  const identity = hosts.get(name);
  if (identity === undefined) throw new Error(`no host ${name}`);
  return identity;
}

async function foreignHost(domain: string): Promise<{ ca: DomainCa; identity: TestIdentity }> {
  const ca = await createDomainCa({ domain });
  const credentials = await createHostCredentials(ca, `mt2.${domain}`);
  return { ca, identity: { credentials, caCertificate: alphaCa.certificate } };
}

async function configure(edit: (config: ServerConfig) => ServerConfig): Promise<void> {
  const path = join(alpha.dir, 'mt2d.json');
  const config = parseConfig(JSON.parse(await readFile(path, 'utf8')));
  await writeFile(path, JSON.stringify(edit(config), null, 2));
}

/** A user certificate signed by alpha's CA outside `mt2d user add`, optionally registered. */
async function sideIssuedUser(
  address: string,
  options: { register: boolean; notBefore?: Date; notAfter?: Date },
): Promise<TestIdentity> {
  const privateKey = await generateRsaPrivateKey();
  const certificate = issueUserCertificate(alphaCa, createCsr(privateKey, { address }), {
    address,
    ...(options.notBefore === undefined ? {} : { notBefore: options.notBefore }),
    ...(options.notAfter === undefined ? {} : { notAfter: options.notAfter }),
  });
  if (options.register) {
    await writeFile(join(alpha.dir, 'users', `${address}.pem`), certificatesToPem([certificate]));
  }
  const credentials: Credentials = { certificate, privateKey, chain: [alphaCa.certificate] };
  return { credentials, caCertificate: alphaCa.certificate };
}

/** A self-signed host certificate whose subject CN is not its dNSName (openssl CLI). */
function mismatchedHost(dir: string): TestIdentity {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=someone-else.beta.test',
      '-addext',
      'subjectAltName=DNS:mt2.beta.test',
      '-keyout',
      join(dir, 'mismatch.key'),
      '-out',
      join(dir, 'mismatch.pem'),
    ],
    { stdio: 'ignore' },
  );
  const certificate = new X509Certificate(readFileSync(join(dir, 'mismatch.pem')));
  const privateKey = readPrivateKey(readFileSync(join(dir, 'mismatch.key'), 'utf8'));
  return {
    credentials: { certificate, privateKey, chain: [] },
    caCertificate: alphaCa.certificate,
  };
}

function mint(resource: string, bits = POSTAGE_BITS): string {
  return execFileSync('hashcash', ['-q', '-m', '-b', String(bits), resource])
    .toString()
    .trim();
}

function postage(...stamps: string[]): Mt2Extension {
  return {
    oid: HASHCASH_OID,
    critical: true,
    content: stamps.map((stamp) => ({
      name: 'stamp',
      attributes: { bits: String(POSTAGE_BITS) },
      children: [stamp],
    })),
  };
}

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mt2d-filters-'));
  alpha = await initMt2dDir('alpha.test');
  alphaCa = domainCaFrom({
    certificate: readCertificate(await readFile(join(alpha.dir, 'ca', 'ca.pem'))),
    privateKey: readPrivateKey(await readFile(join(alpha.dir, 'ca', 'ca.key'), 'utf8')),
    chain: [],
  });
  [alice, mallory] = await Promise.all([
    makeUser(alpha.dir, 'alice@alpha.test'),
    makeUser(alpha.dir, 'mallory@alpha.test'),
  ]);
  await writeFile(join(scratch, 'password'), 'secret\n');
  for (const name of ['bob', 'carol', 'spamtrap']) {
    const p12 = join(scratch, `${name}.p12`);
    const password = ['--password-file', join(scratch, 'password')];
    const result = await runMt2d([
      ...['user', 'add', '--dir', alpha.dir, `${name}@alpha.test`, '--p12', p12],
      ...password,
    ]);
    if (result.code !== 0) throw new Error(result.stderr);
  }
  let deltaCa: DomainCa | undefined;
  for (const name of ['beta', 'gamma', 'delta', 'epsilon']) {
    const made = await foreignHost(`${name}.test`);
    hosts.set(name, made.identity);
    if (name === 'delta') deltaCa = made.ca;
  }
  if (deltaCa === undefined) throw new Error('no delta CA');
  const deltaCaFile = join(scratch, 'delta-ca.pem');
  await writeFile(deltaCaFile, certificatesToPem([deltaCa.certificate]));
  await configure((config) => ({
    ...config,
    limits: {
      ...config.limits,
      maxMessageBytes: 14_000,
      maxPartBytes: 12_000,
      maxEnvelopeBytes: 8_000,
    },
    postage: { ...config.postage, bits: POSTAGE_BITS, exemptSenders: [] },
    whitelists: { 'carol@alpha.test': ['@alpha.test'] },
    filters: {
      ...config.filters,
      blockedSenders: ['mallory@alpha.test'],
      blockedRecipients: ['spamtrap@alpha.test'],
      blockedHosts: ['.beta.test'],
      allowedHosts: ['.beta.test', '.gamma.test', '.delta.test'],
      refusedExtensions: ['1.3.6.1.4.1.99999.7'],
      blockedSubjects: ['Cheap Pills'],
      blockedContent: ['wire the money'],
      encryption: 'refused',
    },
    trust: { ...config.trust, caFiles: [deltaCaFile], blacklistedIssuerDomains: ['delta.test'] },
  }));
  server = await startMt2dProcess(alpha.dir);
});

after(async () => {
  await server.stop();
  await alpha.remove();
  await rm(scratch, { recursive: true, force: true });
});

function refusedWith(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof Mt2Error, String(error));
    assert.equal(error.result, code, `${error.result} ${error.message}`);
    return true;
  };
}

async function asAlice(): Promise<Mt2Connection> {
  return connectUser(server, alice, { hostname: alpha.hostname });
}

async function send(draft: Partial<MessageDraft> & { to: readonly string[] }, sender = alice) {
  const connection = await connectUser(server, sender, { hostname: alpha.hostname });
  try {
    const message = await buildSignedMessage(
      { from: sender.address, ...draft },
      sender.credentials,
    );
    return await connection.session.transferMessage(message.msgId, message.parts);
  } finally {
    connection.destroy();
  }
}

describe('mt2d pre-transfer filters, each with its own code', () => {
  describe('HELO: the peer', () => {
    test('a host certificate from an unknown CA: 99.0.5.21', async () => {
      await assert.rejects(
        connectUser(server, host('gamma'), { hostname: alpha.hostname }),
        refusedWith(RESULT.CERTIFICATE_UNTRUSTED),
      );
    });
    test('an expired certificate: 99.0.5.17', async () => {
      const year = 365 * 24 * 3600 * 1000;
      const old = await sideIssuedUser('old@alpha.test', {
        register: true,
        notBefore: new Date(Date.now() - 2 * year),
        notAfter: new Date(Date.now() - year),
      });
      await assert.rejects(
        connectUser(server, old, { hostname: alpha.hostname }),
        refusedWith(RESULT.CERTIFICATE_EXPIRED),
      );
    });
    test('a blacklisted issuing domain: 99.0.5.18', async () => {
      await assert.rejects(
        connectUser(server, host('delta'), { hostname: alpha.hostname }),
        refusedWith(RESULT.CERTIFICATE_REVOKED),
      );
    });
    test('a host whose subject CN is not its host name: 99.0.5.20', async () => {
      await assert.rejects(
        connectUser(server, mismatchedHost(scratch), { hostname: alpha.hostname }),
        refusedWith(RESULT.SUBJECT_MISMATCH),
      );
    });
    test('a user of the domain without a mailbox here: 99.0.5.40', async () => {
      const stranger = await sideIssuedUser('carl@alpha.test', { register: false });
      await assert.rejects(
        connectUser(server, stranger, { hostname: alpha.hostname }),
        refusedWith(RESULT.UNAUTHORISED_CLIENT),
      );
    });
    test('a blacklisted host: 99.0.5.41', async () => {
      await assert.rejects(
        connectUser(server, host('beta'), { hostname: alpha.hostname }),
        refusedWith(RESULT.HOST_BLACKLISTED),
      );
    });
    test('a host not on the whitelist: 99.0.5.42', async () => {
      await assert.rejects(
        connectUser(server, host('epsilon'), { hostname: alpha.hostname }),
        refusedWith(RESULT.HOST_NOT_WHITELISTED),
      );
    });
  });

  describe('the envelope', () => {
    test('a user message with trace data: 99.0.5.43', async () => {
      const connection = await asAlice();
      const message = await buildSignedMessage(
        { from: alice.address, to: ['carol@alpha.test'] },
        alice.credentials,
      );
      const forged = {
        ...message.envelope,
        trace: [{ host: 'mt2.alpha.test', time: new Date(), signature: new Uint8Array([48, 0]) }],
      };
      await assert.rejects(
        connection.session.transferMessage(message.msgId, {
          ...message.parts,
          envelope: encodeEnvelope(forged),
        }),
        refusedWith(RESULT.TRACE_INVALID),
      );
      connection.destroy();
    });
    test('a prohibited sender: 99.0.5.44', async () => {
      await assert.rejects(
        send({ to: ['carol@alpha.test'] }, mallory),
        refusedWith(RESULT.SENDER_PROHIBITED),
      );
    });
    test('a prohibited recipient: 99.0.5.45', async () => {
      await assert.rejects(
        send({ to: ['spamtrap@alpha.test'] }),
        refusedWith(RESULT.RECIPIENT_PROHIBITED),
      );
    });
    test('a recipient without a mailbox: 99.0.5.46', async () => {
      await assert.rejects(
        send({ to: ['nobody@alpha.test'] }),
        refusedWith(RESULT.UNKNOWN_RECIPIENT),
      );
    });
    test('a delivery extension refused by policy: 99.0.5.47', async () => {
      const extension: Mt2Extension = { oid: '1.3.6.1.4.1.99999.7', critical: false, content: [] };
      await assert.rejects(
        send({ to: ['carol@alpha.test'], extensions: [extension] }),
        refusedWith(RESULT.UNDESIRABLE_OPTION),
      );
    });
    test('an unknown critical delivery extension: 99.0.5.49', async () => {
      const extension: Mt2Extension = { oid: '1.3.6.1.4.1.99999.8', critical: true, content: [] };
      await assert.rejects(
        send({ to: ['carol@alpha.test'], extensions: [extension] }),
        refusedWith(RESULT.UNKNOWN_CRITICAL_EXTENSION),
      );
    });
    test('an envelope that does not decode: 99.0.5.52', async () => {
      const connection = await asAlice();
      await assert.rejects(
        connection.session.transferMessage('x1@alpha.test', {
          envelope: new TextEncoder().encode('<envelope'),
          headers: new Uint8Array([1]),
          body: new Uint8Array([1]),
        }),
        refusedWith(RESULT.ENVELOPE_MALFORMED),
      );
      connection.destroy();
    });
    test('a sender that is not the authenticated user: 99.0.5.53', async () => {
      const connection = await asAlice();
      const message = await buildSignedMessage(
        { from: alice.address, to: ['carol@alpha.test'] },
        alice.credentials,
      );
      const spoofed = encodeEnvelope({ ...message.envelope, sender: 'bob@alpha.test' });
      await assert.rejects(
        connection.session.transferMessage(message.msgId, { ...message.parts, envelope: spoofed }),
        refusedWith(RESULT.SENDER_NOT_AUTHENTICATED),
      );
      connection.destroy();
    });
    test('an envelope over maxEnvelopeBytes: 99.0.5.11', async () => {
      const connection = await asAlice();
      await assert.rejects(
        connection.session.transferMessage('x2@alpha.test', { envelope: new Uint8Array(9000) }),
        refusedWith(RESULT.PART_TOO_LARGE),
      );
      connection.destroy();
    });
  });

  describe('headers and body', () => {
    test('a message over MAXMSG: 99.0.5.12 (each part within MAXPART)', async () => {
      const connection = await asAlice();
      const message = await buildSignedMessage(
        // A body of MAXPART itself: each part is within it, the three together over MAXMSG.
        { from: alice.address, to: ['carol@alpha.test'], body: new Uint8Array(12_000).fill(65) },
        alice.credentials,
      );
      const { envelope, headers, body } = message.parts;
      assert.ok(envelope.length + headers.length + body.length > 14_000, 'over MAXMSG');
      const { session } = connection;
      await session.xfer(message.msgId, 'message/envelope', message.parts.envelope);
      await session.xfer(message.msgId, 'message/headers', message.parts.headers);
      await assert.rejects(
        session.xfer(message.msgId, 'message/body', message.parts.body),
        refusedWith(RESULT.MESSAGE_TOO_LARGE),
      );
      connection.destroy();
    });
    test('headers that do not decode: 99.0.5.54', async () => {
      const connection = await asAlice();
      const message = await buildSignedMessage(
        { from: alice.address, to: ['carol@alpha.test'] },
        alice.credentials,
      );
      await assert.rejects(
        connection.session.transferMessage(message.msgId, {
          ...message.parts,
          headers: new TextEncoder().encode('<headers><from>'),
        }),
        refusedWith(RESULT.HEADERS_MALFORMED),
      );
      connection.destroy();
    });
    test('a body with a MIME syntax error: 99.0.5.48, and nothing is committed', async () => {
      const connection = await asAlice();
      const body = new TextEncoder().encode(
        'Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n',
      );
      const message = await buildSignedMessage(
        { from: alice.address, to: ['carol@alpha.test'], body },
        alice.credentials,
      );
      await assert.rejects(
        connection.session.transferMessage(message.msgId, message.parts),
        refusedWith(RESULT.MIME_SYNTAX_ERROR),
      );
      await assert.rejects(connection.session.stat(message.msgId), refusedWith('111.0.5.27'));
      connection.destroy();
    });
  });

  describe('what the message says, and how it is sealed', () => {
    const carolCertificate = async () =>
      readCertificate(await readFile(join(alpha.dir, 'users', 'carol@alpha.test.pem')));

    test('a prohibited subject: 99.0.5.55, and nothing is committed', async () => {
      const connection = await asAlice();
      const message = await buildSignedMessage(
        { from: alice.address, to: ['carol@alpha.test'], subject: 'CHEAP pills, today only' },
        alice.credentials,
      );
      await assert.rejects(
        connection.session.transferMessage(message.msgId, message.parts),
        refusedWith(RESULT.SUBJECT_PROHIBITED),
      );
      await assert.rejects(connection.session.stat(message.msgId), refusedWith('111.0.5.27'));
      connection.destroy();
    });
    test('prohibited content in the body text: 99.0.5.56', async () => {
      await assert.rejects(
        send({ to: ['carol@alpha.test'], text: 'Dear friend,\nplease Wire The Money today.' }),
        refusedWith(RESULT.CONTENT_PROHIBITED),
      );
      const fine = await send({ to: ['carol@alpha.test'], text: 'Lunch at noon?' });
      assert.equal(fine.committed, true);
    });
    test('an encrypted body where encryption is refused: 99.0.5.57 on the envelope', async () => {
      const connection = await asAlice();
      const message = await buildSignedMessage(
        {
          from: alice.address,
          to: ['carol@alpha.test'],
          text: 'Sealed.',
          encrypt: { parts: ['body'], recipients: [await carolCertificate()] },
        },
        alice.credentials,
      );
      await assert.rejects(
        connection.session.xfer(message.msgId, 'message/envelope', message.parts.envelope),
        refusedWith(RESULT.ENCRYPTION_REFUSED),
      );
      connection.destroy();
    });
  });

  describe('postage (hashcash, stamps from the real hashcash tool)', () => {
    test('no stamp: 99.0.5.50 says the bits and the resource', async () => {
      await assert.rejects(send({ to: ['bob@alpha.test'] }), (error: unknown) => {
        refusedWith(RESULT.POSTAGE_REQUIRED)(error);
        const groups = (error as Mt2Error).groups;
        const value = (name: string) =>
          groups.find((g) => g.kind === 'option' && g.name === name)?.kind === 'option'
            ? (groups.find((g) => g.name === name) as { values: readonly string[] }).values[0]
            : undefined;
        assert.equal(value('BITS'), String(POSTAGE_BITS));
        assert.equal(value('RESOURCE'), 'bob@alpha.test');
        return true;
      });
    });
    test('a whitelisted sender needs none', async () => {
      const result = await send({ to: ['carol@alpha.test'] });
      assert.equal(result.committed, true);
    });
    test('a stamp from the hashcash tool is accepted once; spent again: 99.0.5.51', async () => {
      const stamp = mint('bob@alpha.test');
      const first = await send({ to: ['bob@alpha.test'], extensions: [postage(stamp)] });
      assert.equal(first.committed, true);
      await assert.rejects(
        send({ to: ['bob@alpha.test'], extensions: [postage(stamp)] }),
        refusedWith(RESULT.POSTAGE_INVALID),
      );
    });
    test('too few bits: 99.0.5.51', async () => {
      const weak = mint('bob@alpha.test', 4);
      await assert.rejects(
        send({ to: ['bob@alpha.test'], extensions: [postage(weak)] }),
        refusedWith(RESULT.POSTAGE_INVALID),
      );
    });
  });

  test('too many sessions: 99.0.4.5 instead of the greeting', async () => {
    await server.stop();
    await configure((config) => ({ ...config, limits: { ...config.limits, maxSessions: 2 } }));
    server = await startMt2dProcess(alpha.dir);
    const open = [await asAlice(), await asAlice()];
    await assert.rejects(asAlice(), refusedWith(RESULT.TOO_MANY_SESSIONS));
    for (const connection of open) connection.destroy();
  });
});
