// npm run bench:crypto — CMS operations per second on a 2 KiB object, beside
// `openssl speed -seconds 1 rsa2048` run in the same command, as ratios.
//
// Each of our operations costs one RSA-2048 operation plus ASN.1 and hashing: sign and
// decrypt are private-key operations (compared with openssl's sign/s), verify and
// encrypt are public-key operations (compared with openssl's verify/s). OpenSSL 3.0's
// speed reports no RSA encrypt/decrypt rows, so these are the fair counterparts.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import {
  createCsr,
  createDomainCa,
  decryptCms,
  encryptCms,
  generateRsaPrivateKey,
  issueUserCertificate,
  signCms,
  verifyCms,
  type Credentials,
} from '../src/identity/index.ts';

const OBJECT_BYTES = 2048;
const RUN_MS = 1000;

/** Calls `operation` repeatedly for RUN_MS and returns calls per second. */
function perSecond(operation: () => unknown): number {
  for (let warmup = 0; warmup < 20; warmup++) operation();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(RUN_MS) * 1_000_000n;
  let count = 0;
  let now = start;
  while (now < deadline) {
    operation();
    count++;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

/** openssl's RSA-2048 sign/s and verify/s, from its summary line. */
async function opensslSpeed(): Promise<{ sign: number; verify: number }> {
  const { stdout } = await promisify(execFile)('openssl', ['speed', '-seconds', '1', 'rsa2048']);
  const match = /^rsa 2048 bits\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)/m.exec(stdout);
  if (match === null) throw new Error(`cannot read openssl speed output:\n${stdout}`);
  return { sign: Number(match[1]), verify: Number(match[2]) };
}

async function user(): Promise<Credentials> {
  const ca = await createDomainCa({ domain: 'bench.example' });
  const privateKey = await generateRsaPrivateKey();
  const address = 'bench@bench.example';
  const certificate = issueUserCertificate(ca, createCsr(privateKey, { address }), { address });
  return { certificate, privateKey, chain: [ca.certificate] };
}

const alice = await user();
const object = randomBytes(OBJECT_BYTES);
const signed = signCms(object, alice);
const enveloped = encryptCms(object, [alice.certificate]);
const ours = {
  sign: perSecond(() => signCms(object, alice)),
  verify: perSecond(() => verifyCms(signed, { content: object })),
  encrypt: perSecond(() => encryptCms(object, [alice.certificate])),
  decrypt: perSecond(() => decryptCms(enveloped, alice)),
};
const openssl = await opensslSpeed();

const rows: readonly [string, number, string, number][] = [
  ['CMS sign (detached)', ours.sign, 'rsa2048 sign/s', openssl.sign],
  ['CMS verify', ours.verify, 'rsa2048 verify/s', openssl.verify],
  ['CMS encrypt (1 recipient)', ours.encrypt, 'rsa2048 verify/s', openssl.verify],
  ['CMS decrypt', ours.decrypt, 'rsa2048 sign/s', openssl.sign],
];
console.log(`CMS on a ${OBJECT_BYTES}-byte object, RSA-2048, ${RUN_MS} ms per operation`);
console.log(
  `${'operation'.padEnd(28)}${'ours/s'.padStart(10)}  ${'openssl speed'.padEnd(18)}${'/s'.padStart(10)}  ratio`,
);
for (const [name, rate, baseline, baselineRate] of rows) {
  console.log(
    `${name.padEnd(28)}${rate.toFixed(0).padStart(10)}  ${baseline.padEnd(18)}${baselineRate.toFixed(0).padStart(10)}  ${(rate / baselineRate).toFixed(2)}`,
  );
}
