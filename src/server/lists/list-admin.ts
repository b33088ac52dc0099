// `mt2d list add | remove | members`: a list is a state file and a certificate for its
// address issued by the domain CA (the list signs what it sends).
import { readFile, readdir, rm } from 'node:fs/promises';
import { addressKey } from '../../extensions/index.ts';
import { join } from 'node:path';
import {
  createCsr,
  generateRsaPrivateKey,
  issueUserCertificate,
  readCertificates,
  readPrivateKey,
  type Credentials,
} from '../../identity/index.ts';
import { readConfig } from '../daemon/config.ts';
import { readDomainCa, writeCredentials } from '../daemon/credentials.ts';
import { dataDirLayout, exists } from '../daemon/data-dir.ts';
import { normalizeAddress } from '../accept/patterns.ts';
import { localAddress, userCertificatePath } from '../daemon/users.ts';
import { ListHostError } from './errors.ts';
import { readListRecord, writeListRecord, type ListRecord } from './list-record.ts';

/** Where a list's files live: `lists/<address>.json`, `.pem` (certificate, CA), `.key`. */
export interface ListFiles {
  readonly state: string;
  readonly certificate: string;
  readonly key: string;
}

/** The files of list `address` (canonical, lower case) in data directory `dir`. */
export function listFiles(dir: string, address: string): ListFiles {
  const base = join(dataDirLayout(dir).lists, address);
  return { state: `${base}.json`, certificate: `${base}.pem`, key: `${base}.key` };
}

/** Options of {@link addList}. */
export interface AddListOptions {
  readonly dir: string;
  readonly address: string;
  /** Display name, given to subscribers and in List-Id. */
  readonly name?: string;
  /** A closed list takes no subscriptions. */
  readonly closed?: boolean;
}

/**
 * `mt2d list add`: makes the list's key, has the domain CA certify it for the address
 * and writes an empty list. The state file comes last: its presence makes the list.
 * @throws ListHostError MT2D_LIST_EXISTS; DaemonError MT2D_ADDRESS_INVALID.
 */
export async function addList(options: AddListOptions): Promise<string> {
  const layout = dataDirLayout(options.dir);
  const config = await readConfig(layout.config);
  const address = localAddress(options.address, config.domain);
  const files = listFiles(options.dir, address);
  if ((await exists(files.state)) || (await exists(userCertificatePath(layout, address)))) {
    throw new ListHostError('MT2D_LIST_EXISTS', `${address} is already a list or a user`);
  }
  const ca = await readDomainCa(layout);
  const privateKey = await generateRsaPrivateKey();
  const certificate = issueUserCertificate(ca, createCsr(privateKey, { address }), { address });
  // Into lists/ (made 0700 if missing): the key (0600), then the certificate with the CA.
  await writeCredentials(files.certificate, files.key, {
    certificate,
    chain: [ca.certificate],
    privateKey,
  });
  const record: ListRecord = {
    list: {
      address,
      ...(options.name === undefined ? {} : { name: options.name }),
      closed: options.closed === true,
      members: [],
      confirmations: [],
    },
    answered: [],
  };
  await writeListRecord(files.state, record);
  return address;
}

async function knownList(dir: string, address: string) {
  const config = await readConfig(dataDirLayout(dir).config);
  const canonical = localAddress(address, config.domain);
  const files = listFiles(dir, canonical);
  if (!(await exists(files.state))) {
    throw new ListHostError('MT2D_LIST_UNKNOWN', `${canonical} is no list here`);
  }
  return files;
}

/** `mt2d list remove`: the state file goes first, so a half-removed list is no list. */
export async function removeList(options: { dir: string; address: string }): Promise<void> {
  const files = await knownList(options.dir, options.address);
  await rm(files.state);
  await Promise.all([rm(files.certificate, { force: true }), rm(files.key, { force: true })]);
}

/** `mt2d list members`: the members, in joining order. */
export async function listMembers(options: {
  dir: string;
  address: string;
}): Promise<readonly string[]> {
  const files = await knownList(options.dir, options.address);
  return (await readListRecord(files.state)).list.members;
}

/** An address a list can send to: `local@domain`, no spaces, brackets or quotes. */
const MEMBER_ADDRESS = /^[^\s@<>"]+@[^\s@<>".]+(?:\.[^\s@<>".]+)+$/;

/**
 * `mt2d list members --add`: the list owner adds members by hand (the way into a closed
 * list). Members already there are skipped; the state file is replaced atomically, and a
 * running mt2d reads it before the list's next pass (after SIGHUP).
 * @returns the members added.
 * @throws ListHostError MT2D_LIST_UNKNOWN, MT2D_LIST_MEMBER_INVALID (nothing is added).
 */
export async function addListMembers(options: {
  dir: string;
  address: string;
  members: readonly string[];
}): Promise<readonly string[]> {
  const config = await readConfig(dataDirLayout(options.dir).config);
  const files = await knownList(options.dir, options.address);
  const record = await readListRecord(files.state);
  const present = new Set(record.list.members.map(addressKey));
  const added: string[] = [];
  for (const member of options.members) {
    const canonical = normalizeAddress(member);
    if (!MEMBER_ADDRESS.test(canonical)) {
      throw new ListHostError('MT2D_LIST_MEMBER_INVALID', `'${member}' is no address`);
    }
    if (present.has(addressKey(canonical))) continue;
    present.add(addressKey(canonical));
    added.push(canonical);
  }
  const members = [...record.list.members, ...added];
  if (members.length > config.lists.maxMembers) {
    throw new ListHostError(
      'MT2D_LIST_MEMBER_INVALID',
      `${members.length} members would be over lists.maxMembers (${config.lists.maxMembers})`,
    );
  }
  if (added.length > 0) {
    await writeListRecord(files.state, { ...record, list: { ...record.list, members } });
  }
  return added;
}

/** The addresses of the lists of data directory `dir` (none when `lists/` is missing). */
export async function hostedListAddresses(dir: string): Promise<string[]> {
  const names = await readdir(dataDirLayout(dir).lists).catch(() => []);
  return names.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -5));
}

/** The list's signing credentials. */
export async function readListCredentials(files: ListFiles): Promise<Credentials> {
  const [certificate, ...chain] = readCertificates(await readFile(files.certificate, 'utf8'));
  if (certificate === undefined) {
    throw new ListHostError('MT2D_LIST_STATE_INVALID', `${files.certificate} has no certificate`);
  }
  return { certificate, chain, privateKey: readPrivateKey(await readFile(files.key, 'utf8')) };
}
