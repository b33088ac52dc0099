// An intermediate domain CA under a root made by src/identity, issued by the real
// `openssl` CLI (src/identity makes only self-signed domain CAs): the chain a domain
// with an offline root and an issuing CA on its mail host presents.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  domainCaFrom,
  privateKeyToPem,
  readPrivateKey,
  type DomainCa,
} from '../../src/identity/index.ts';

function openssl(dir: string, args: readonly string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`the openssl CLI is needed (apt-get install openssl): ${detail}`, {
      cause: error,
    });
  }
}

/**
 * A CA for `root.domain` certified by `root`, with the profile's CA extensions
 * (issuerAltName, name constraints, pathlen 0). Its `chain` is `[root]`.
 */
export async function makeIntermediateCa(root: DomainCa): Promise<DomainCa> {
  const dir = await mkdtemp(join(tmpdir(), 'mt2-intermediate-'));
  try {
    await writeFile(join(dir, 'root.key'), privateKeyToPem(root.privateKey), { mode: 0o600 });
    await writeFile(join(dir, 'root.pem'), root.certificate.toString());
    await writeFile(
      join(dir, 'ca.ext'),
      [
        'basicConstraints=critical,CA:TRUE,pathlen:0',
        'keyUsage=critical,keyCertSign,cRLSign',
        'subjectKeyIdentifier=hash',
        'authorityKeyIdentifier=keyid',
        `issuerAltName=DNS:${root.domain}`,
        `nameConstraints=critical,permitted;DNS:${root.domain},permitted;email:${root.domain}`,
        '',
      ].join('\n'),
    );
    const subject = `/CN=${root.domain} issuing CA`;
    openssl(dir, [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.csr',
      '-subj',
      subject,
    ]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      'ca.csr',
      '-CA',
      'root.pem',
      '-CAkey',
      'root.key',
      '-CAcreateserial',
      '-days',
      '30',
      '-out',
      'ca.pem',
      '-extfile',
      'ca.ext',
    ]);
    return domainCaFrom({
      certificate: new X509Certificate(await readFile(join(dir, 'ca.pem'))),
      privateKey: readPrivateKey(await readFile(join(dir, 'ca.key'))),
      chain: [root.certificate],
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
