#!/usr/bin/env node
// Collects test files and hands them to node's test runner (through tsx).
// Node 20 has no glob support in --test, and `node --test DIR` can find no test
// yet exit 0, so the collection happens here and an empty collection is a failure.
//
// Usage: node tools/run-tests.js [DIR_OR_FILE ...]   (default: test/)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const TEST_FILE = /\.test\.ts$/;
const PER_TEST_TIMEOUT_MS = 300_000;

/** @param {string} path @returns {string[]} */
function collect(path) {
  const stat = statSync(path);
  if (stat.isFile()) return TEST_FILE.test(path) ? [path] : [];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.name !== 'node_modules' && !entry.name.startsWith('.'))
    .flatMap((entry) => collect(join(path, entry.name)));
}

const roots = process.argv.slice(2);
const files = (roots.length > 0 ? roots : ['test'])
  .flatMap(collect)
  .map((file) => relative(process.cwd(), file))
  .sort();

if (files.length === 0) {
  console.error(`run-tests: no test files (*.test.ts) under ${roots.join(', ') || 'test'}`);
  process.exit(1);
}

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    `--test-timeout=${PER_TEST_TIMEOUT_MS}`,
    ...files,
  ],
  { stdio: 'inherit' },
);
child.on('exit', (code, signal) => {
  if (signal) {
    console.error(`run-tests: test runner killed by ${signal}`);
    process.exit(1);
  }
  process.exit(code ?? 1);
});
