import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  decodeEnvelope,
  decodeHeaders,
  encodeEnvelope,
  encodeHeaders,
} from '../../../src/message/index.ts';

test('every XML example of docs/message-format.md decodes and is exactly what the encoder writes', () => {
  const doc = readFileSync('docs/message-format.md', 'utf8');
  const examples = [...doc.matchAll(/```xml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  assert.ok(examples.length >= 4, `expected the doc's examples, found ${examples.length}`);
  for (const example of examples) {
    const written = example.includes('<envelope')
      ? encodeEnvelope(decodeEnvelope(example))
      : encodeHeaders(decodeHeaders(example));
    assert.equal(Buffer.from(written).toString(), example);
  }
});
