// Delegated CA lookup in a real `mt2d serve` (mt2-profile.md section 5): alpha.test has
// no trust file for beta.test; with `trust.caResolvers` naming a real dnsmasq that
// publishes beta's CA in a CERT record, beta's host is admitted in HELO, and the answers
// stay cached after the DNS server is gone (until a reload). A domain without a record,
// or asked while DNS is down, is refused with 99.0.5.21.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { Mt2Error, RESULT } from '../../src/protocol/index.ts';
import { dataDirLayout, parseConfig, readConfig, writeConfig } from '../../src/server/index.ts';
import {
  connectUser,
  initMt2dDir,
  readHostIdentity,
  startMt2dProcess,
  type Mt2dDir,
  type Mt2dProcess,
  type TestIdentity,
} from '../helpers/mt2d-process.ts';
import { startDnsmasq, type RunningServer } from '../helpers/servers.ts';

let alpha: Mt2dDir;
let beta: Mt2dDir;
let gamma: Mt2dDir;
let dns: RunningServer | undefined;
let server: Mt2dProcess;
let betaHost: TestIdentity;
let gammaHost: TestIdentity;

/** CERT RDATA (RFC 4398): type 1 (PKIX), key tag 0, algorithm 0, the DER. */
function certRdataHex(der: Uint8Array): string {
  return `0001000000${Buffer.from(der).toString('hex')}`;
}

before(async () => {
  [alpha, beta, gamma] = await Promise.all([
    initMt2dDir('alpha.test'),
    initMt2dDir('beta.test'),
    initMt2dDir('gamma.test'),
  ]);
  const ca = async (dir: Mt2dDir) =>
    new X509Certificate(await readFile(dataDirLayout(dir.dir).caCertificate));
  const alphaCa = await ca(alpha);
  dns = await startDnsmasq([
    '--local=/test/',
    `--dns-rr=beta.test,37,${certRdataHex(new Uint8Array((await ca(beta)).raw))}`,
  ]);
  const path = dataDirLayout(alpha.dir).config;
  const config = await readConfig(path);
  await writeConfig(path, {
    ...config,
    trust: { ...config.trust, caResolvers: [`dns:127.0.0.1:${dns.port}`] },
  });
  [betaHost, gammaHost] = await Promise.all([
    readHostIdentity(beta.dir, alphaCa),
    readHostIdentity(gamma.dir, alphaCa),
  ]);
  server = await startMt2dProcess(alpha.dir);
});

after(async () => {
  await server.stop();
  await dns?.stop();
  await Promise.all([alpha.remove(), beta.remove(), gamma.remove()]);
});

function refusedWith(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof Mt2Error, String(error));
    assert.equal(error.result, code, `${error.result} ${error.message}`);
    return true;
  };
}

async function heloAs(identity: TestIdentity): Promise<void> {
  const connection = await connectUser(server, identity, { hostname: alpha.hostname });
  await connection.session.quit();
  connection.destroy();
}

function lastHeloRefusal(): string {
  const refused = server.events.filter((e) => e.event === 'helo-refused').at(-1);
  return String(refused?.['reason']);
}

test("beta's host is admitted through its CA found in DNS", async () => {
  await heloAs(betaHost);
  const helo = server.events.find((e) => e.event === 'helo' && e['kind'] === 'host');
  assert.equal(helo?.['identity'], beta.hostname);
});

test('a domain that publishes no CA is refused with 99.0.5.21', async () => {
  await assert.rejects(heloAs(gammaHost), refusedWith(RESULT.CERTIFICATE_UNTRUSTED));
  assert.match(lastHeloRefusal(), /CA_NOT_FOUND/);
});

test('with DNS gone, cached answers hold until a reload; then the lookup fails', async () => {
  await dns?.stop();
  dns = undefined;
  await heloAs(betaHost);
  await assert.rejects(heloAs(gammaHost), refusedWith(RESULT.CERTIFICATE_UNTRUSTED));
  assert.match(lastHeloRefusal(), /CA_NOT_FOUND/, '"no CA" is an answer, cached too');

  const seen = server.events.length;
  process.kill(server.pid, 'SIGHUP');
  await server.waitFor((e) => e.event === 'reloaded' && server.events.indexOf(e) >= seen);
  await assert.rejects(heloAs(gammaHost), refusedWith(RESULT.CERTIFICATE_UNTRUSTED));
  assert.match(lastHeloRefusal(), /RESOLVER_FAILED/, 'a reload starts with an empty cache');
});

test('a resolver entry that is none of dns:, ldap://, file: is refused with its key', async () => {
  const config = await readConfig(dataDirLayout(alpha.dir).config);
  for (const good of ['dns:127.0.0.1', 'dns:[::1]:5353', 'ldap://127.0.0.1:389', 'file:/etc/mt2']) {
    const trust = { ...config.trust, caResolvers: [good] };
    assert.deepEqual(parseConfig({ ...config, trust }).trust.caResolvers, [good]);
  }
  const trust = { ...config.trust, caResolvers: ['dns:127.0.0.1', 'gopher://x'] };
  assert.throws(
    () => parseConfig({ ...config, trust }),
    /trust\.caResolvers\[1\] must be dns:IP\[:PORT\]/,
  );
});
