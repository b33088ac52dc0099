import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliUsageError, dispatch, type CliCommand, type CliIo } from '../../../src/cli/index.ts';

function capture(): CliIo & { readonly lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, out: (text) => lines.out.push(text), err: (text) => lines.err.push(text) };
}

const echo: CliCommand = {
  name: 'echo',
  summary: 'prints its arguments',
  usage: 'usage: tool echo WORD...',
  run(args, io) {
    if (args.length === 0) throw new CliUsageError('needs at least one word');
    io.out(args.join(' '));
    return Promise.resolve(0);
  },
};

test('a known command runs with its arguments', async () => {
  const io = capture();
  assert.equal(await dispatch('tool', [echo], ['echo', 'a', 'b'], io), 0);
  assert.deepEqual(io.lines.out, ['a b']);
});

test('an unknown command exits 1 and lists the commands', async () => {
  const io = capture();
  assert.equal(await dispatch('tool', [echo], ['nope'], io), 1);
  assert.match(io.lines.err.join(''), /unknown command 'nope'[\s\S]*echo/);
});

test('a usage error exits 1 with the reason and the usage', async () => {
  const io = capture();
  assert.equal(await dispatch('tool', [echo], ['echo'], io), 1);
  assert.match(io.lines.err.join(''), /needs at least one word[\s\S]*usage: tool echo/);
});

test('no arguments prints the listing on stderr and fails', async () => {
  const io = capture();
  assert.equal(await dispatch('tool', [echo], [], io), 1);
  assert.match(io.lines.err.join(''), /usage: tool <command>/);
});
