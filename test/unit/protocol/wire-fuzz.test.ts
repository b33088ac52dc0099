// Fuzzes the decoder and a server-role session with 100,000+ random and mutated inputs
// (seeded, so a failure reproduces). No timing is asserted; the run stays well under
// 30 s of CPU. For each input, a shadow decoder predicts what the session must answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  MAX_CHUNK_BYTES,
  MAX_LINE_BYTES,
  Mt2Decoder,
  ServerSession,
  encodeChunk,
  pipeExtension,
  statExtension,
  type Mt2Frame,
} from '../../../src/protocol/index.ts';
import { MemoryStore } from '../../helpers/memory-store.ts';
import { fakeCertificate } from '../../helpers/session-harness.ts';

const INPUTS = 100_000;
const SEED = 0x6d7432;
const ascii = new TextEncoder();

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS = [
  '[* TMP 99.0.3.1 (VER=0.9;1.0) Hi there.]',
  '[1 HELO {4928}]',
  '[1 OPT (BAZ=FOO;BAR)]',
  '[1 ERR 99.0.5.0 (BAZ ERR 99.0.5.9 Unknown.)]',
  '[2 OK 99.0.2.2 (BAR OK 121.0.2.1) Go ahead.]',
  '[2 XFER m23@test.com message/envelope {3279} {0}]',
  '[3 XFER m23@test.com message/body {59203} {0}]',
  '[4 ABOR=3]',
  '[5 NOOP]',
  '[6 OPT (PIPE=ON) (URG)]',
  '[7 STAT m23@test.com]',
  '[8 QUIT]',
  '[9 XFER a@x message/envelope {3} {0}]',
  '{9 3}',
  '[0 TMP 99.0.3.5 x]',
].map((line) => ascii.encode(`${line}\r\n`));
const SPICE = [
  0x0d, 0x0a, 0x5b, 0x5d, 0x7b, 0x7d, 0x28, 0x29, 0x20, 0x3d, 0x3b, 0x2a, 0x00, 0xff, 0xc3, 0x39,
];

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function makeInput(random: () => number): Uint8Array {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const kind = random();
  if (kind < 0.15) {
    return Uint8Array.from({ length: Math.floor(random() * 120) }, () =>
      Math.floor(random() * 256),
    );
  }
  if (kind < 0.25) {
    return Uint8Array.from({ length: Math.floor(random() * 80) }, () => pick(SPICE));
  }
  let bytes = [...pick(CORPUS)];
  if (random() < 0.3) bytes.push(...pick(CORPUS));
  const mutations = 1 + Math.floor(random() * 4);
  for (let m = 0; m < mutations; m++) {
    const at = Math.floor(random() * (bytes.length + 1));
    const op = random();
    if (op < 0.3) bytes[at] = random() < 0.5 ? pick(SPICE) : Math.floor(random() * 256);
    else if (op < 0.55) bytes.splice(at, 0, pick(SPICE));
    else if (op < 0.75) bytes.splice(at, 1 + Math.floor(random() * 4));
    else if (op < 0.85) bytes.splice(at, 0, ...ascii.encode(String(Math.floor(random() * 1e17))));
    else if (op < 0.93) bytes = bytes.slice(0, at);
    else bytes.splice(at, 0, ...new Array<number>(MAX_LINE_BYTES).fill(0x78));
  }
  return Uint8Array.from(bytes);
}

/** What a session must do with these frames: its syntax ERRs, and whether it closes. */
function predict(frames: readonly Mt2Frame[]): { syntaxErrors: number; closes: boolean } {
  let lastTag = -1;
  let syntaxErrors = 0;
  for (const frame of frames) {
    if (frame.kind === 'invalid') {
      syntaxErrors++;
      if (frame.fatal) return { syntaxErrors, closes: true };
    } else if (frame.kind === 'response' && frame.tag !== '*' && frame.tag >= 1) {
      return { syntaxErrors, closes: true }; // a response to a request the server never sent
    } else if (frame.kind === 'request' && frame.tag > lastTag) {
      lastTag = frame.tag;
      if (frame.verb === 'QUIT') return { syntaxErrors, closes: true };
    }
  }
  return { syntaxErrors, closes: false };
}

const SYNTAX_RESULTS = new Set(['99.0.5.1', '99.0.5.2', '99.0.5.7']);

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

test(`the decoder takes ${INPUTS} random and mutated inputs in random splits without failing`, () => {
  const random = prng(SEED);
  const gc = gcFunction();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let decoder = new Mt2Decoder();
  let frames = 0;
  for (let i = 0; i < INPUTS; i++) {
    const input = makeInput(random);
    const cut = Math.floor(random() * (input.length + 1));
    for (const piece of [input.subarray(0, cut), input.subarray(cut)]) {
      for (const frame of decoder.push(piece)) {
        frames++;
        if (frame.kind === 'chunk') assert.ok(frame.data.length <= MAX_CHUNK_BYTES);
        if (frame.kind === 'invalid' && frame.fatal) decoder = new Mt2Decoder();
      }
    }
    assert.ok(decoder.remainingChunkBytes <= MAX_CHUNK_BYTES);
  }
  gc();
  const grownBytes = process.memoryUsage().heapUsed - heapBefore;
  assert.ok(frames > INPUTS / 2, `only ${frames} frames`);
  assert.ok(grownBytes < 32 * 1024 * 1024, `heap grew by ${grownBytes} octets`);
});

test(`a server session answers every bad line of ${INPUTS} inputs with an ERR and keeps serving`, async () => {
  const random = prng(SEED + 1);
  const certificate = fakeCertificate(1);
  const login = concat([
    ascii.encode(`[1 HELO {${certificate.length}}]\r\n`),
    encodeChunk(1, certificate),
  ]);
  const probeTag = Number.MAX_SAFE_INTEGER;
  const probe = ascii.encode(`[${probeTag} NOOP]\r\n`);
  let closedSessions = 0;
  const gc = gcFunction();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < INPUTS; i++) {
    const input = concat([makeInput(random), ascii.encode('\r\n')]);
    const shadow = new Mt2Decoder();
    const frames = shadow.push(input);
    const padding = new Uint8Array(shadow.remainingChunkBytes);
    frames.push(...shadow.push(padding));
    const expected = predict(frames);
    const responses: string[] = [];
    const decoder = new Mt2Decoder();
    let closed = false;
    const session = new ServerSession({
      io: {
        send: (bytes) => {
          for (const frame of decoder.push(bytes)) {
            if (frame.kind === 'response') responses.push(`${frame.tag} ${frame.code}`);
          }
        },
        close: () => {
          closed = true;
        },
      },
      hooks: new MemoryStore(),
      tlsCertificate: certificate,
      limits: { idleTimeoutMs: 0 },
      extensions: [pipeExtension(), statExtension(() => undefined)],
    });
    session.start();
    const loggedIn = i % 2 === 1;
    if (loggedIn) await session.receive(login);
    const before = responses.length;
    await session.receive(input);
    await session.receive(padding);
    await session.receive(probe);
    const answers = responses.slice(before);
    const syntaxErrors = answers.filter((a) => SYNTAX_RESULTS.has(a.split(' ')[1] ?? '')).length;
    const context = () =>
      `input ${i}: ${JSON.stringify(new TextDecoder().decode(input))} -> ${answers.join(', ')}`;
    assert.equal(syntaxErrors, expected.syntaxErrors, context());
    if (expected.closes) {
      closedSessions++;
      assert.equal(closed, true, context());
    } else {
      assert.equal(closed, false, context());
      assert.equal(answers.at(-1), `${probeTag} 99.0.2.0`, context());
    }
  }
  assert.ok(closedSessions < INPUTS / 2, `${closedSessions} sessions closed`);
  gc();
  const grownBytes = process.memoryUsage().heapUsed - heapBefore;
  assert.ok(grownBytes < 32 * 1024 * 1024, `heap grew by ${grownBytes} octets`);
});
