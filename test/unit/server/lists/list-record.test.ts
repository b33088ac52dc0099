import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ListHostError, readListRecord, type ListRecord } from '../../../../src/server/index.ts';
import { writeListRecord } from '../../../../src/server/lists/list-record.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'list-record-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const record: ListRecord = {
  list: {
    address: 'club@alpha.test',
    name: 'Club',
    closed: false,
    members: ['a@alpha.test', 'b@beta.test'],
    confirmations: [
      {
        address: 'c@alpha.test',
        action: 'subscribe',
        token: 'q9Xb3kTz0vYw5N2mR8sLpA',
        expiresAt: new Date('2026-12-06T00:00:00Z'),
      },
    ],
  },
  answered: [
    {
      msgId: 'm1@alpha.test',
      answers: [{ to: 'a@alpha.test', payload: { kind: 'unsubscribed', list: 'club@alpha.test' } }],
    },
  ],
};

test('a state file written is read back the same, and no temporary file stays', async () => {
  const path = join(dir, 'club@alpha.test.json');
  await writeListRecord(path, record);
  await writeListRecord(path, { ...record, list: { ...record.list, members: [] } });
  assert.deepEqual((await readListRecord(path)).list.members, []);
  await writeListRecord(path, record);
  assert.deepEqual(await readListRecord(path), record);
  assert.deepEqual(await readdir(dir), ['club@alpha.test.json']);
});

for (const [name, text] of [
  ['not JSON', '{"version":1,'],
  ['another version', '{"version":2}'],
  [
    'members not addresses',
    '{"version":1,"address":"x@y","closed":false,"members":[1],"confirmations":[],"answered":[]}',
  ],
  [
    'a confirmation without a date',
    '{"version":1,"address":"x@y","closed":false,"members":[],"confirmations":[{"address":"a@b","action":"subscribe","token":"t"}],"answered":[]}',
  ],
] as const) {
  test(`a state file with ${name} is MT2D_LIST_STATE_INVALID`, async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, text);
    await assert.rejects(readListRecord(path), (error: unknown) => {
      assert.ok(error instanceof ListHostError);
      assert.equal(error.code, 'MT2D_LIST_STATE_INVALID');
      assert.match(error.message, /broken\.json/);
      return true;
    });
  });
}
