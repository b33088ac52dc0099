import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  RECIPIENT_EXTENSIONS,
  decodePayload,
  type PayloadBase,
  type RecipientExtension,
} from '../../../src/extensions/index.ts';
import { decodeHeaders, encodeHeaders } from '../../../src/message/index.ts';

test('every XML example of docs/extensions.md decodes with its extension and is what the encoder writes', () => {
  const doc = readFileSync('docs/extensions.md', 'utf8');
  const examples = [...doc.matchAll(/```xml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  assert.equal(examples.length, 7);
  const byOid = new Map<string, RecipientExtension<PayloadBase>>(
    Object.values(RECIPIENT_EXTENSIONS).map((extension: RecipientExtension<PayloadBase>) => [
      extension.oid,
      extension,
    ]),
  );
  for (const example of examples) {
    const headers = decodeHeaders(example);
    assert.equal(Buffer.from(encodeHeaders(headers)).toString(), example);
    const [element] = headers.extensions;
    assert.ok(element);
    const extension = byOid.get(element.oid);
    assert.ok(extension, `no extension ${element.oid}`);
    decodePayload(extension, element.content);
  }
});
