import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { X509Certificate } from 'node:crypto';
import {
  DaemonError,
  ListHostError,
  addList,
  addUserWithP12,
  initServerDirectory,
  listFiles,
  listMembers,
  readListRecord,
  removeList,
} from '../../../../src/server/index.ts';

let parent: string;
let dir: string;
before(async () => {
  parent = await mkdtemp(join(tmpdir(), 'list-admin-'));
  dir = join(parent, 'data');
  await initServerDirectory({ dir, domain: 'alpha.test' });
});
after(() => rm(parent, { recursive: true, force: true }));

function hasCode(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ListHostError || error instanceof DaemonError);
    assert.equal(error.code, code);
    return true;
  };
}

test('list add makes an empty list and a certificate for its address from the domain CA', async () => {
  const address = await addList({
    dir,
    address: 'Chess-Club@alpha.test',
    name: 'Chess',
    closed: true,
  });
  assert.equal(address, 'chess-club@alpha.test');
  const record = await readListRecord(listFiles(dir, address).state);
  assert.deepEqual(record.list, {
    address,
    name: 'Chess',
    closed: true,
    members: [],
    confirmations: [],
  });
  const [certificate, ca] = (await readFile(listFiles(dir, address).certificate, 'utf8'))
    .split(/(?=-----BEGIN CERTIFICATE-----)/)
    .map((pem) => new X509Certificate(pem));
  assert.ok(certificate !== undefined && ca !== undefined);
  assert.match(certificate.subjectAltName ?? '', /email:chess-club@alpha\.test/);
  assert.equal(certificate.verify(ca.publicKey), true, 'issued by the domain CA');
  assert.deepEqual(await listMembers({ dir, address }), []);
});

test('an address taken by a list or a user cannot be taken again', async () => {
  await assert.rejects(
    addList({ dir, address: 'chess-club@alpha.test' }),
    hasCode('MT2D_LIST_EXISTS'),
  );
  await addUserWithP12({ dir, address: 'alice@alpha.test', p12Password: 'pw' });
  await assert.rejects(addList({ dir, address: 'alice@alpha.test' }), hasCode('MT2D_LIST_EXISTS'));
  await assert.rejects(
    addUserWithP12({ dir, address: 'chess-club@alpha.test', p12Password: 'pw' }),
    hasCode('MT2D_USER_EXISTS'),
  );
});

test('a list of another domain is MT2D_ADDRESS_INVALID', async () => {
  await assert.rejects(
    addList({ dir, address: 'club@beta.test' }),
    hasCode('MT2D_ADDRESS_INVALID'),
  );
});

test('list remove removes it; then it is MT2D_LIST_UNKNOWN', async () => {
  await addList({ dir, address: 'gone@alpha.test' });
  await removeList({ dir, address: 'gone@alpha.test' });
  await assert.rejects(
    listMembers({ dir, address: 'gone@alpha.test' }),
    hasCode('MT2D_LIST_UNKNOWN'),
  );
  await assert.rejects(
    removeList({ dir, address: 'gone@alpha.test' }),
    hasCode('MT2D_LIST_UNKNOWN'),
  );
});
