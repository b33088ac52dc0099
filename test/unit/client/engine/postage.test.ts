// Postage: reading what a server asks for, and stamps the real `hashcash` tool accepts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addPostage, postageDemand } from '../../../../src/client/send/postage.ts';
import { HASHCASH_OID } from '../../../../src/extensions/index.ts';
import { Mt2Error, RESULT } from '../../../../src/protocol/index.ts';

const refusal = (result: string, text: string, bits?: string) =>
  new Mt2Error(
    'REFUSED',
    text,
    result,
    bits === undefined
      ? []
      : [
          { kind: 'option', name: 'BITS', values: [bits] },
          { kind: 'option', name: 'RESOURCE', values: ['bob@beta.test'] },
        ],
  );

test('postageDemand reads BITS and RESOURCE, else the text; other refusals are not postage', () => {
  assert.deepEqual(postageDemand(refusal(RESULT.POSTAGE_REQUIRED, 'Postage required.', '12')), {
    bits: 12,
    resource: 'bob@beta.test',
  });
  assert.deepEqual(
    postageDemand(refusal(RESULT.POSTAGE_REQUIRED, 'Postage required: 9 bits for x@y.')),
    {
      bits: 9,
    },
  );
  assert.equal(postageDemand(refusal(RESULT.UNKNOWN_RECIPIENT, 'No such mailbox.')), undefined);
  assert.equal(postageDemand(new Error(RESULT.POSTAGE_REQUIRED)), undefined);
});

test('postageDemand refuses absurd demands (a hostile server asking for hours of work)', () => {
  assert.equal(postageDemand(refusal(RESULT.POSTAGE_REQUIRED, 'x', '40')), undefined);
  assert.equal(postageDemand(refusal(RESULT.POSTAGE_REQUIRED, 'x', '0')), undefined);
  assert.equal(postageDemand(refusal(RESULT.POSTAGE_REQUIRED, 'x', 'many')), undefined);
});

test('addPostage mints one stamp per recipient that `hashcash -cy` accepts', async () => {
  const envelope = {
    messageId: 'm1@alpha.test',
    sender: 'alice@alpha.test',
    recipients: ['bob@beta.test', 'carol@beta.test'],
    control: false,
    trace: [],
    extensions: [],
  };
  const stamped = await addPostage(envelope, 10);
  const extension = stamped.extensions.find((candidate) => candidate.oid === HASHCASH_OID);
  assert.ok(extension?.critical);
  const stamps = extension.content.flatMap((node) =>
    typeof node === 'string' ? [] : node.children.filter((child) => typeof child === 'string'),
  );
  assert.equal(stamps.length, 2);
  for (const [index, stamp] of stamps.entries()) {
    const resource = envelope.recipients[index] ?? '';
    assert.ok(stamp.includes(`:${resource}:`));
    try {
      await promisify(execFile)('hashcash', ['-cy', '-b', '10', '-r', resource, stamp]);
    } catch (error) {
      assert.fail(`hashcash (apt-get install hashcash) refused ${stamp}: ${String(error)}`);
    }
  }
});
