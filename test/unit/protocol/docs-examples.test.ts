import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  DEFAULT_LIMITS,
  ServerSession,
  formatLine,
  limitOptions,
  lookupResult,
  parseLine,
  type Mt2Limits,
} from '../../../src/protocol/index.ts';
import { MemoryStore } from '../../helpers/memory-store.ts';
import { Wire } from '../../helpers/session-harness.ts';

const spec = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

test('every C: and S: line of the example sessions parses and formats back unchanged', () => {
  const lines = [...spec.matchAll(/^[CS]: (\[.*\])$/gm)].map((m) => m[1] ?? '');
  assert.ok(lines.length > 60, `only ${lines.length} example lines found`);
  for (const line of lines) {
    const frame = parseLine(line);
    assert.notEqual(frame.kind, 'invalid', line);
    if (frame.kind === 'invalid') continue;
    assert.equal(formatLine(frame), line);
    if (frame.kind === 'response' && frame.code.startsWith('99.0.')) {
      assert.ok(lookupResult(frame.code), `${line}: ${frame.code} is not registered`);
    }
  }
});

test('the greeting in the spec is the one the server sends', () => {
  const wire = new Wire();
  new ServerSession({
    io: {
      send: (b) => {
        wire.push(b);
      },
      close: () => undefined,
    },
    hooks: new MemoryStore(),
    tlsCertificate: null,
    limits: { idleTimeoutMs: 0 },
  }).start();
  const sent = wire.lines()[0]?.replace('(IDLE=0)', '(IDLE=300000)');
  assert.ok(spec.includes(`S: ${sent ?? 'nothing'}`), sent);
});

test('the limits table gives every limit with its greeting name and default', () => {
  const names = limitOptions(DEFAULT_LIMITS);
  const keys = Object.keys(DEFAULT_LIMITS) as (keyof Mt2Limits)[];
  assert.equal(names.length, keys.length);
  keys.forEach((key, i) => {
    const option = names[i];
    assert.ok(option);
    assert.match(
      spec,
      new RegExp(`\\| ${key} \\| ${option.name} \\| ${DEFAULT_LIMITS[key]}\\b`),
      key,
    );
  });
});
