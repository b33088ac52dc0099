// Test PKI made with the real `openssl` CLI in a temporary folder: MT2 domain CAs
// (issuerAltName, name constraints), user and host certificates, an expired and a
// revoked one, a CRL. Keys and CSRs are made first, as on a client, then the CA signs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate made by the fixture: its files and DER. */
export interface FixtureCertificate {
  readonly pemPath: string;
  readonly keyPath: string;
  readonly der: Uint8Array;
}

/** Everything the MT2 validation tests use. */
export interface FixturePki {
  readonly dir: string;
  /** example.org domain CA: RSA, issuerAltName example.org, constrained to example.org. */
  readonly exampleCa: FixtureCertificate;
  /** other.test domain CA: ECDSA P-256, no name constraints. */
  readonly otherCa: FixtureCertificate;
  readonly alice: FixtureCertificate;
  readonly erin: FixtureCertificate;
  readonly host: FixtureCertificate;
  readonly expiredBob: FixtureCertificate;
  readonly revokedCarol: FixtureCertificate;
  readonly outsideMallory: FixtureCertificate;
  readonly daveFromOther: FixtureCertificate;
  readonly gatewayHost: FixtureCertificate;
  /** CRL of the example.org CA, revoking carol. */
  readonly crlPath: string;
  readonly cleanup: () => void;
}

/** Runs openssl; SUBJECT feeds the extension sections' ${ENV::SUBJECT}. */
function openssl(args: readonly string[], cwd: string, subject = 'unused'): void {
  execFileSync('openssl', args, {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SUBJECT: subject },
  });
}

const CA_CONFIG = (dir: string) => `
[ca]
default_ca = ca_default
[ca_default]
dir = ${dir}
database = ${dir}/index.txt
certificate = ${dir}/ca.pem
private_key = ${dir}/ca.key
serial = ${dir}/serial
crlnumber = ${dir}/crlnumber
new_certs_dir = ${dir}/issued
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
default_crl_days = 3650
[policy_any]
commonName = supplied
organizationName = optional
[req]
distinguished_name = req_dn
prompt = no
[req_dn]
CN = placeholder
`;

function extensions(domain: string, constraints: string | undefined): string {
  return `
[domain_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
issuerAltName = DNS:${domain}
subjectAltName = DNS:${domain}
${constraints === undefined ? '' : `nameConstraints = critical, ${constraints}`}
[user]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = emailProtection, clientAuth
subjectAltName = email:\${ENV::SUBJECT}
issuerAltName = DNS:${domain}
[host]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:\${ENV::SUBJECT}
issuerAltName = DNS:${domain}
`;
}

interface CaFolder {
  readonly dir: string;
  readonly config: string;
  readonly certificate: FixtureCertificate;
}

function makeCa(
  root: string,
  domain: string,
  keyArgs: readonly string[],
  constraints?: string,
): CaFolder {
  const dir = join(root, domain);
  mkdirSync(join(dir, 'issued'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'crlnumber'), '01\n');
  const config = join(dir, 'openssl.cnf');
  writeFileSync(config, CA_CONFIG(dir) + extensions(domain, constraints));
  const keyPath = join(dir, 'ca.key');
  const pemPath = join(dir, 'ca.pem');
  openssl(['genpkey', ...keyArgs, '-out', keyPath], dir);
  openssl(
    [
      'req',
      '-new',
      '-key',
      keyPath,
      '-subj',
      `/O=${domain}/CN=${domain} CA`,
      '-config',
      config,
      '-out',
      join(dir, 'ca.csr'),
    ],
    dir,
  );
  openssl(
    [
      'ca',
      '-batch',
      '-config',
      config,
      '-selfsign',
      '-keyfile',
      keyPath,
      '-in',
      join(dir, 'ca.csr'),
      '-extensions',
      'domain_ca',
      '-days',
      '3650',
      '-notext',
      '-out',
      pemPath,
    ],
    dir,
  );
  return { dir, config, certificate: loaded(pemPath, keyPath) };
}

function loaded(pemPath: string, keyPath: string): FixtureCertificate {
  const pem = readFileSync(pemPath, 'latin1');
  const body =
    /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)?.[1] ?? '';
  return { pemPath, keyPath, der: new Uint8Array(Buffer.from(body.replace(/\s+/g, ''), 'base64')) };
}

interface IssueOptions {
  readonly subject: string;
  readonly profile: 'user' | 'host';
  readonly dates?: { readonly start: string; readonly end: string };
}

function issue(ca: CaFolder, name: string, options: IssueOptions): FixtureCertificate {
  const keyPath = join(ca.dir, `${name}.key`);
  const csrPath = join(ca.dir, `${name}.csr`);
  const pemPath = join(ca.dir, `${name}.pem`);
  // The subject's own key and CSR, as the client would make them.
  openssl(
    ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath],
    ca.dir,
  );
  openssl(
    [
      'req',
      '-new',
      '-key',
      keyPath,
      '-subj',
      `/CN=${options.subject}`,
      '-config',
      ca.config,
      '-out',
      csrPath,
    ],
    ca.dir,
  );
  const validity =
    options.dates === undefined
      ? ['-days', '825']
      : ['-startdate', options.dates.start, '-enddate', options.dates.end];
  openssl(
    [
      'ca',
      '-batch',
      '-config',
      ca.config,
      '-in',
      csrPath,
      '-extensions',
      options.profile,
      ...validity,
      '-notext',
      '-out',
      pemPath,
    ],
    ca.dir,
    options.subject,
  );
  return loaded(pemPath, keyPath);
}

/** Builds the fixture PKI in a new temporary folder; call cleanup() when done. */
export function makeFixturePki(): FixturePki {
  const dir = mkdtempSync(join(tmpdir(), 'mt2-validation-'));
  try {
    const example = makeCa(
      dir,
      'example.org',
      ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      'permitted;DNS:example.org, permitted;email:example.org, permitted;email:.example.org',
    );
    const other = makeCa(dir, 'other.test', [
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
    ]);
    const revokedCarol = issue(example, 'carol', { subject: 'carol@example.org', profile: 'user' });
    openssl(
      [
        'ca',
        '-config',
        example.config,
        '-revoke',
        revokedCarol.pemPath,
        '-crl_reason',
        'keyCompromise',
      ],
      example.dir,
    );
    const crlPath = join(example.dir, 'ca.crl');
    openssl(['ca', '-config', example.config, '-gencrl', '-out', crlPath], example.dir);
    return {
      dir,
      exampleCa: example.certificate,
      otherCa: other.certificate,
      alice: issue(example, 'alice', { subject: 'alice@example.org', profile: 'user' }),
      erin: issue(example, 'erin', { subject: 'erin@eng.example.org', profile: 'user' }),
      host: issue(example, 'host', { subject: 'mail.example.org', profile: 'host' }),
      expiredBob: issue(example, 'bob', {
        subject: 'bob@example.org',
        profile: 'user',
        dates: { start: '20200101000000Z', end: '20210101000000Z' },
      }),
      revokedCarol,
      outsideMallory: issue(example, 'mallory', { subject: 'mallory@evil.test', profile: 'user' }),
      daveFromOther: issue(other, 'dave', { subject: 'dave@example.org', profile: 'user' }),
      gatewayHost: issue(other, 'gateway', { subject: 'gw.other.test', profile: 'host' }),
      crlPath,
      cleanup: () => {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
