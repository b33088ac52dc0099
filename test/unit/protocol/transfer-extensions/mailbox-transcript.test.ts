// docs/protocol.md sections 9.7 to 9.9 are transcripts of this implementation: this test runs the
// same session and checks the document shows exactly what went over the wire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  formatLine,
  mailboxExtension,
  option,
  pipeExtension,
  type Mt2Frame,
} from '../../../../src/protocol/index.ts';
import { MemoryMailbox } from '../../../helpers/memory-mailbox.ts';
import { sessionPair, text, type Wire } from '../../../helpers/session-harness.ts';

function describe(frame: Mt2Frame): string {
  if (frame.kind === 'chunk')
    return `{${frame.tag} ${frame.data.length}} + ${frame.data.length} octets`;
  if (frame.kind === 'invalid') return `<${frame.code}>`;
  return formatLine(frame);
}

/** Appends what `wire` carries to `log`, as `who: line`, in the order it is written. */
function tap(wire: Wire, who: 'C' | 'S', log: string[]): void {
  let seen = wire.frames.length;
  wire.onSend = () => {
    for (const frame of wire.frames.slice(seen)) log.push(`${who}: ${describe(frame)}`);
    seen = wire.frames.length;
  };
}

/** The `C:`/`S:` lines of the code block under a heading of docs/protocol.md. */
function documented(heading: string): string[] {
  const spec = readFileSync(new URL('../../../../docs/protocol.md', import.meta.url), 'utf8');
  const section = spec.slice(spec.indexOf(heading));
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => /^[CS]: /.test(line));
}

async function mailboxTranscript(): Promise<{
  synchronous: string[];
  pipelined: string[];
  packed: string[];
}> {
  const mailbox = new MemoryMailbox();
  mailbox.add('m26@test.com', {
    envelope: text.encode('<envelope/>'),
    headers: text.encode('<headers/>'),
    body: text.encode('Hello'),
  });
  mailbox.add('m27@test.com', {
    envelope: text.encode('<envelope/>'),
    headers: text.encode('<headers n="2"/>'),
    body: text.encode('Hi'),
  });
  mailbox.add('m28@test.com', {
    envelope: text.encode('<envelope/>'),
    headers: text.encode('<headers n="3"/>'),
    body: new Uint8Array(5_000_000).fill(0x61),
  });
  const p = sessionPair({}, { extensions: [pipeExtension(), mailboxExtension(mailbox)] });
  p.store.helo = () => ({ accept: true, trusted: true, kind: 'user' });
  await p.client.greeting;
  await p.client.helo(p.tlsCertificate);
  const log: string[] = [];
  tap(p.toServer, 'C', log);
  tap(p.toClient, 'S', log);
  const first = await p.client.list(0, 2);
  await p.client.list(first.cursor, 2);
  await p.client.pull('message/headers', ['m26@test.com', 'm27@test.com', 'm99@test.com']);
  await p.client.pull('message/body', ['m28@test.com'], { accept: (_id, size) => size < 1e6 });
  await p.client.flag('m26@test.com', ['seen']);
  await p.client.dele(['m27@test.com']);
  await p.client.list(3, 100);
  const synchronous = log.splice(0);
  await p.client.opt([option('PIPE', 'ON')]);
  const controller = new AbortController();
  await p.client
    .pull('message/body', ['m26@test.com', 'm28@test.com'], {
      signal: controller.signal,
      accept: (id) => {
        if (id === 'm28@test.com') controller.abort();
        return true;
      },
    })
    .catch(() => undefined);
  const pipelined = log.splice(0);
  mailbox.add('m29@test.com', { envelope: new Uint8Array(3495).fill(0x62) });
  mailbox.add('m30@test.com', { envelope: new Uint8Array(5000).fill(0x63) });
  await p.client.pull('message/envelope', ['m26@test.com', 'm29@test.com', 'm30@test.com'], {
    packBytes: 8000,
  });
  return { synchronous, pipelined, packed: log };
}

test('sections 9.7 to 9.9 of docs/protocol.md are what this implementation sends', async () => {
  const transcript = await mailboxTranscript();
  assert.ok(transcript.synchronous.length > 20);
  assert.deepEqual(documented('### 9.7 '), transcript.synchronous);
  assert.deepEqual(documented('### 9.8 '), transcript.pipelined);
  assert.deepEqual(documented('### 9.9 '), transcript.packed);
});
