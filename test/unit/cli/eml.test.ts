import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CliIo } from '../../../src/cli/index.ts';
import { mt2Main } from '../../../src/cli/index.ts';
import { decodeEnvelope, decodeHeaders } from '../../../src/message/index.ts';

const CORPUS = '/usr/lib/python3.11/test/test_email/data';
const SAMPLE = join(CORPUS, 'msg_16.txt');

function capture(): CliIo & { readonly lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, out: (text) => lines.out.push(text), err: (text) => lines.err.push(text) };
}

let scratch = '';
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mt2-eml-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('mt2 import-eml / export-eml', () => {
  test('imports an .eml into three files and exports the same octets', async () => {
    const dir = join(scratch, 'roundtrip');
    const io = capture();
    assert.equal(await mt2Main(['import-eml', SAMPLE, dir], io), 0, io.lines.err.join('\n'));
    assert.deepEqual(readdirSync(dir).sort(), ['body.mime', 'envelope.xml', 'headers.xml']);
    const envelope = decodeEnvelope(await readFile(join(dir, 'envelope.xml')));
    assert.ok(envelope.messageId.length > 0);
    assert.ok(decodeHeaders(await readFile(join(dir, 'headers.xml'))).fields.length > 0);
    const out = join(scratch, 'roundtrip.eml');
    assert.equal(await mt2Main(['export-eml', dir, out], io), 0, io.lines.err.join('\n'));
    assert.deepEqual(await readFile(out), await readFile(SAMPLE));
  });

  test('a missing input file exits 1 with a clear message and writes nothing', async () => {
    const dir = join(scratch, 'missing');
    const io = capture();
    assert.equal(await mt2Main(['import-eml', join(scratch, 'nope.eml'), dir], io), 1);
    assert.match(io.lines.err.join(''), /FILE_UNREADABLE/);
    assert.equal(existsSync(dir), false);
  });

  test('an input over the size limit is refused unread', async () => {
    const huge = join(scratch, 'huge.eml');
    await writeFile(huge, '');
    await truncate(huge, 64 * 1024 * 1024 + 1);
    const io = capture();
    assert.equal(await mt2Main(['import-eml', huge, join(scratch, 'huge')], io), 1);
    assert.match(io.lines.err.join(''), /FILE_TOO_LARGE/);
    assert.equal(existsSync(join(scratch, 'huge')), false);
  });

  test('a broken headers.xml exits 1 with its error code and writes no .eml', async () => {
    const dir = join(scratch, 'broken');
    const io = capture();
    assert.equal(await mt2Main(['import-eml', SAMPLE, dir], io), 0);
    await writeFile(join(dir, 'headers.xml'), '<!DOCTYPE x [<!ENTITY a "b">]><headers/>');
    const out = join(scratch, 'broken.eml');
    assert.equal(await mt2Main(['export-eml', dir, out], io), 1);
    assert.match(io.lines.err.join(''), /XML_DTD_FORBIDDEN/);
    assert.equal(existsSync(out), false);
  });

  test('existing files are never replaced', async () => {
    const dir = join(scratch, 'twice');
    const io = capture();
    assert.equal(await mt2Main(['import-eml', SAMPLE, dir], io), 0);
    const before = await readFile(join(dir, 'headers.xml'));
    assert.equal(await mt2Main(['import-eml', join(CORPUS, 'msg_01.txt'), dir], io), 1);
    assert.match(io.lines.err.join(''), /FILE_EXISTS/);
    assert.deepEqual(await readFile(join(dir, 'headers.xml')), before);
    assert.deepEqual(readdirSync(dir).sort(), ['body.mime', 'envelope.xml', 'headers.xml']);
  });

  test('wrong arguments are a usage error', async () => {
    const io = capture();
    assert.equal(await mt2Main(['import-eml', SAMPLE], io), 1);
    assert.match(io.lines.err.join(''), /usage: mt2 import-eml/);
  });

  test('import-mbox writes one folder per message', async () => {
    const mbox = join(scratch, 'in.mbox');
    const first = await readFile(join(CORPUS, 'msg_01.txt'));
    const second = await readFile(join(CORPUS, 'msg_02.txt'));
    await writeFile(
      mbox,
      Buffer.concat([
        Buffer.from('From bbb@zzz.org Mon Jan  1 00:00:00 2001\n'),
        first,
        Buffer.from('\nFrom x@y.z Tue Jan  2 00:00:00 2001\n'),
        second,
        // Every message of an mbox ends with an empty line, the last one too.
        Buffer.from('\n'),
      ]),
    );
    const dir = join(scratch, 'mbox');
    const io = capture();
    assert.equal(await mt2Main(['import-mbox', mbox, dir], io), 0, io.lines.err.join('\n'));
    assert.deepEqual(readdirSync(dir).sort(), ['000001', '000002']);
    const out = join(scratch, 'second.eml');
    assert.equal(await mt2Main(['export-eml', join(dir, '000002'), out], io), 0);
    assert.deepEqual(await readFile(out), second);
  });

  test('bin/mt2.js runs the commands as a child process', async () => {
    const run = promisify(execFile);
    const dir = join(scratch, 'child');
    const out = join(scratch, 'child.eml');
    await run(process.execPath, ['bin/mt2.js', 'import-eml', SAMPLE, dir]);
    await run(process.execPath, ['bin/mt2.js', 'export-eml', dir, out]);
    assert.deepEqual(await readFile(out), await readFile(SAMPLE));
    await assert.rejects(
      run(process.execPath, ['bin/mt2.js', 'export-eml', join(scratch, 'none'), out]),
      (error: unknown) => {
        const failure = error as { code?: number; stderr?: string };
        return failure.code === 1 && /FILE_UNREADABLE/.test(failure.stderr ?? '');
      },
    );
  });
});
