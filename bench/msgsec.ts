// npm run bench:msgsec — whole-message security per second (4 KiB body, RSA-2048), beside
// the bare CMS operation each one is built on, measured in the same run, as ratios: the
// ratio is what the statement, the XML-free digests and the IdentityValidator add.
import {
  appendTrace,
  caStoreOf,
  createCsr,
  createDomainCa,
  createHostCredentials,
  generateRsaPrivateKey,
  IdentityValidator,
  issueUserCertificate,
  parseCertificate,
  signCms,
  signMessage,
  verifyCms,
  verifyMessage,
  verifyTraceChain,
  type MessageParts,
} from '../src/identity/index.ts';
import { encodeHeaders } from '../src/message/index.ts';

const BODY_BYTES = 4096;
const RUN_MS = 1000;
const HOPS = 3;

/** Calls `operation` (awaited) repeatedly for RUN_MS and returns calls per second. */
async function perSecond(operation: () => unknown): Promise<number> {
  for (let warmup = 0; warmup < 10; warmup++) await operation();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(RUN_MS) * 1_000_000n;
  let count = 0;
  let now = start;
  while (now < deadline) {
    await operation();
    count++;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

const ca = await createDomainCa({ domain: 'bench.example' });
const privateKey = await generateRsaPrivateKey();
const address = 'alice@bench.example';
const alice = {
  certificate: issueUserCertificate(ca, createCsr(privateKey, { address }), { address }),
  privateKey,
  chain: [ca.certificate],
};
const host = await createHostCredentials(ca, 'mx.bench.example');
const validator = new IdentityValidator({
  store: caStoreOf([parseCertificate(ca.certificate.raw)], true),
});
const parts: MessageParts = {
  envelope: {
    messageId: 'bench@bench.example',
    sender: address,
    recipients: ['bob@bench.example'],
    control: false,
    trace: [],
    extensions: [],
  },
  headers: encodeHeaders({ fields: [{ kind: 'subject', text: 'Benchmark' }], extensions: [] }),
  body: Buffer.alloc(BODY_BYTES, 'x'),
};
const signed = { ...parts, envelope: signMessage(parts, alice) };
let traced = signed.envelope;
for (let hop = 0; hop < HOPS; hop++)
  traced = appendTrace(traced, host, 'mx.bench.example', new Date());
const bareSignature = signCms(parts.body, alice);
const now = new Date();

const rows: [string, number, string, number][] = [
  [
    'signMessage',
    await perSecond(() => signMessage(parts, alice)),
    'signCms (detached, body)',
    await perSecond(() => signCms(parts.body, alice)),
  ],
  [
    'verifyMessage (with validator)',
    await perSecond(() => verifyMessage(signed, validator, now)),
    'verifyCms (body)',
    await perSecond(() => verifyCms(bareSignature, { content: parts.body })),
  ],
  [
    'appendTrace',
    await perSecond(() => appendTrace(signed.envelope, host, 'mx.bench.example', now)),
    'signCms (detached, body)',
    await perSecond(() => signCms(parts.body, host)),
  ],
  [
    `verifyTraceChain (${HOPS} hops)`,
    await perSecond(() => verifyTraceChain(traced, validator, now)),
    'verifyCms (body)',
    await perSecond(() => verifyCms(bareSignature, { content: parts.body })),
  ],
];
console.log(`message security, ${BODY_BYTES}-byte body, RSA-2048, ${RUN_MS} ms per row`);
for (const [name, ours, baseName, base] of rows) {
  console.log(
    `${name.padEnd(32)} ${ours.toFixed(0).padStart(7)}/s   ${baseName.padEnd(26)} ${base.toFixed(0).padStart(7)}/s   ratio ${(ours / base).toFixed(2)}`,
  );
}
