// Shared by the identity tests: the real openssl binary, scratch folders, and one
// domain CA with a host, a user and a second user per test process.
import { execFile } from 'node:child_process';
import type { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import {
  createCsr,
  createDomainCa,
  createHostCredentials,
  generateRsaPrivateKey,
  issueUserCertificate,
  readCertificate,
  readPrivateKey,
  type Credentials,
  type DomainCa,
} from '../../../src/identity/index.ts';

/** What openssl printed and how it exited. */
export interface OpensslResult {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs the real `openssl` binary; never rejects on a non-zero exit (tests assert on it). */
export function openssl(args: readonly string[]): Promise<OpensslResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'openssl',
      args,
      { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`cannot run openssl (is it installed?): ${error.message}`));
          return;
        }
        resolve({
          code: error === null ? 0 : Number(error.code),
          stdout,
          stderr: stderr.toString(),
        });
      },
    );
  });
}

const scratchDirs: string[] = [];
// Registered once, at the top level of each test file that imports this module.
after(() => Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A scratch folder under the OS temp dir, removed when the test file ends. */
export async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mt2-identity-'));
  scratchDirs.push(dir);
  return dir;
}

/** Writes `content` to `name` in `dir` and returns the path. */
export async function put(
  dir: string,
  name: string,
  content: string | Uint8Array,
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** The credentials most tests share. */
export interface TestPki {
  readonly ca: DomainCa;
  readonly host: Credentials;
  readonly alice: Credentials;
  readonly bob: Credentials;
}

async function userUnder(ca: DomainCa, address: string): Promise<Credentials> {
  const privateKey = await generateRsaPrivateKey();
  const certificate = issueUserCertificate(ca, createCsr(privateKey, { address }), { address });
  return { certificate, privateKey, chain: [ca.certificate] };
}

let shared: Promise<TestPki> | undefined;

/** One CA (example.com), host mx.example.com and users alice@ and bob@, made once per process. */
export function testPki(): Promise<TestPki> {
  shared ??= (async () => {
    const ca = await createDomainCa({ domain: 'example.com' });
    const [host, alice, bob] = await Promise.all([
      createHostCredentials(ca, 'mx.example.com'),
      userUnder(ca, 'alice@example.com'),
      userUnder(ca, 'bob@example.com'),
    ]);
    return { ca, host, alice, bob };
  })();
  return shared;
}

/** A user certificate from another, unrelated CA (an untrusted signer). */
export async function strangerPki(): Promise<{ ca: DomainCa; user: Credentials }> {
  const ca = await createDomainCa({ domain: 'elsewhere.test' });
  return { ca, user: await userUnder(ca, 'mallory@elsewhere.test') };
}

/** An ECDSA P-256 CA and leaf made by openssl: credentials from elsewhere. */
export async function opensslEcdsaPki(
  dir: string,
): Promise<{ ca: X509Certificate; user: Credentials }> {
  const path = (name: string) => join(dir, name);
  const steps: string[][] = [
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      path('ecca.key'),
      '-out',
      path('ecca.pem'),
      '-subj',
      '/CN=EC CA',
      '-days',
      '2',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ],
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      path('ecuser.key'),
      '-out',
      path('ecuser.csr'),
      '-subj',
      '/CN=ec user',
    ],
    [
      'x509',
      '-req',
      '-in',
      path('ecuser.csr'),
      '-CA',
      path('ecca.pem'),
      '-CAkey',
      path('ecca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      path('ecuser.pem'),
      '-extfile',
      await put(
        dir,
        'ext.cnf',
        'subjectAltName=email:ec@elsewhere.test\nkeyUsage=digitalSignature\nextendedKeyUsage=emailProtection\n',
      ),
    ],
  ];
  for (const args of steps) {
    const result = await openssl(args);
    if (result.code !== 0) throw new Error(`openssl ${args[0] ?? ''} failed: ${result.stderr}`);
  }
  const user = readCertificate(await readFile(path('ecuser.pem')));
  return {
    ca: readCertificate(await readFile(path('ecca.pem'))),
    user: {
      certificate: user,
      privateKey: readPrivateKey(await readFile(path('ecuser.key'))),
      chain: [],
    },
  };
}

/** A copy of `bytes` with one bit flipped at `index` (negative counts from the end). */
export function flipBit(bytes: Uint8Array, index: number): Buffer {
  const copy = Buffer.from(bytes);
  const at = index < 0 ? copy.length + index : index;
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}
