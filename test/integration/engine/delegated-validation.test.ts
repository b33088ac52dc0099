// Delegated CA validation in the engine: carol@beta.test's certificate comes from a CA
// bob's account does not hold. Off (the default), it is not valid; on, with a folder of
// CA files or a real dnsmasq publishing beta.test's CA, the engine's validator finds the
// CA and the verdict says where. On without any resolver is refused and changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiError,
  validateCall,
  type CaResolverView,
  type TrustSettingsView,
} from '../../../src/api/index.ts';
import { TXT_PREFIX, txtOwner } from '../../../src/identity/index.ts';
import { remoteSetup, tempDir, type RemoteSetup } from '../../helpers/engine-harness.ts';
import { initMt2dDir, makeUser, type Mt2dDir, type TestUser } from '../../helpers/mt2d-process.ts';
import { startDnsmasq, type RunningServer } from '../../helpers/servers.ts';

let setup: RemoteSetup;
let beta: Mt2dDir;
let carol: TestUser;
let folders: { dir: string; remove(): Promise<void> };
let dns: RunningServer | undefined;
let fingerprint = '';

/** TXT strings of at most 255 characters: "mt2ca=" and the base64 DER. */
function txtStrings(der: Uint8Array): string[] {
  return (TXT_PREFIX + Buffer.from(der).toString('base64')).match(/.{1,255}/g) ?? [];
}

function trust(
  delegatedValidation: boolean,
  resolvers?: CaResolverView[],
): Parameters<RemoteSetup['engine']['setTrustSettings']>[0] {
  return {
    blacklistedIssuerDomains: [],
    vouchedAddresses: [],
    trustedGatewayHosts: [],
    delegatedValidation,
    ...(resolvers === undefined ? {} : { resolvers }),
  };
}

const carolsVerdict = () => setup.engine.certificateDetails({ fingerprint });

before(async () => {
  setup = await remoteSetup();
  beta = await initMt2dDir('beta.test');
  carol = await makeUser(beta.dir, 'carol@beta.test');
  folders = await tempDir('mt2-ca-files-');
  await writeFile(join(folders.dir, 'beta.test.pem'), carol.caCertificate.toString());
  const details = await setup.engine.importCertificate({
    data: carol.credentials.certificate.toString(),
  });
  fingerprint = details.certificate.fingerprint;
  dns = await startDnsmasq([
    '--local=/test/',
    `--txt-record=${txtOwner('beta.test')},${txtStrings(carol.caCertificate.raw).join(',')}`,
  ]);
});
after(async () => {
  await dns?.stop();
  await setup.cleanup();
  await beta.remove();
  await folders.remove();
});

describe('delegated CA validation', () => {
  test('off by default: a CA the account does not hold is unknown', async () => {
    const settings: TrustSettingsView = await setup.engine.trustSettings({});
    assert.equal(settings.delegatedValidation, false);
    assert.deepEqual(settings.resolvers, []);
    const verdict = await carolsVerdict();
    assert.equal(verdict.valid, false);
    assert.ok(
      verdict.reasons.some((reason) => ['UNKNOWN_ISSUER', 'CA_NOT_FOUND'].includes(reason.code)),
      JSON.stringify(verdict.reasons),
    );
  });

  test('on without a resolver is refused, and nothing changes', async () => {
    await assert.rejects(setup.engine.setTrustSettings(trust(true, [])), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.code, 'ENGINE_BAD_TRUST_SETTINGS');
      return true;
    });
    assert.equal((await setup.engine.trustSettings({})).delegatedValidation, false);
    assert.equal((await carolsVerdict()).valid, false);
  });

  test('resolver settings are checked before the engine sees them', () => {
    const bad: unknown[] = [
      { kind: 'static-file', folder: 'relative/folder' },
      { kind: 'dns', host: '127.0.0.1', port: 0 },
      { kind: 'ldap', url: 'http://directory.test' },
      { kind: 'carrier-pigeon' },
    ];
    for (const resolver of bad) {
      assert.throws(
        () => validateCall('setTrustSettings', { ...trust(true), resolvers: [resolver] }),
        (error: unknown) => error instanceof ApiError && error.code === 'API_INVALID_PARAMS',
        JSON.stringify(resolver),
      );
    }
    validateCall('setTrustSettings', {
      ...trust(true),
      resolvers: [
        { kind: 'static-file', folder: '/etc/mt2/cas' },
        { kind: 'dns', host: '127.0.0.1', port: 53 },
        { kind: 'ldap', url: 'ldap://127.0.0.1:389' },
      ],
    });
  });

  test('with a folder of CA files, the CA is found and the verdict says where', async () => {
    const saved = await setup.engine.setTrustSettings(
      trust(true, [{ kind: 'static-file', folder: folders.dir }]),
    );
    assert.deepEqual(saved.resolvers, [{ kind: 'static-file', folder: folders.dir }]);
    const verdict = await carolsVerdict();
    assert.equal(verdict.valid, true, JSON.stringify(verdict.reasons));
    assert.equal(verdict.trusted, false, 'found is not vouched for');
    assert.ok(
      verdict.summary.includes(`its CA looked up at file:${join(folders.dir, 'beta.test.pem')}`),
      verdict.summary,
    );
    const people = (await setup.engine.listCertificates({})).people;
    assert.ok(people.some((item) => item.certificate.fingerprint === fingerprint && item.valid));

    // The trust form saves without delegatedValidation: it stays on, the resolvers too.
    const kept = await setup.engine.setTrustSettings({
      blacklistedIssuerDomains: [],
      vouchedAddresses: [],
      trustedGatewayHosts: [],
    });
    assert.equal(kept.delegatedValidation, true, 'absent delegatedValidation keeps it');
    assert.equal((await carolsVerdict()).valid, true);
  });

  test('turned off again, the resolvers stay but are not asked', async () => {
    const saved = await setup.engine.setTrustSettings(trust(false));
    assert.equal(saved.resolvers.length, 1, 'absent resolvers keep the saved ones');
    assert.equal((await carolsVerdict()).valid, false);
  });

  test('through a real DNS server (dnsmasq), after a folder that does not know the domain', async () => {
    const empty = join(folders.dir, 'empty');
    await setup.engine.setTrustSettings(
      trust(true, [
        { kind: 'static-file', folder: empty },
        { kind: 'dns', host: '127.0.0.1', port: dns?.port ?? 0 },
      ]),
    );
    const verdict = await carolsVerdict();
    assert.equal(verdict.valid, true, JSON.stringify(verdict.reasons));
    assert.match(verdict.summary, /its CA looked up at dns:\/\/127\.0\.0\.1.*_mt2ca\.beta\.test/);
  });
});
