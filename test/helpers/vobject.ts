import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's python3 (python3-vobject installs the module for it, not for other pythons). */
const PYTHON = '/usr/bin/python3';

/** Fields a vCard parser read out of a card. */
export interface OracleCard {
  readonly version: string;
  readonly fn: string;
  readonly n?: { readonly family: string; readonly given: string };
  readonly emails: readonly string[];
  readonly tels: readonly string[];
  /** The parser's own serialization of the card. */
  readonly serialized: string;
}

const SCRIPT = `
import json, sys, vobject
card = vobject.readOne(sys.stdin.read())
def values(name):
    return [item.value for item in card.contents.get(name, [])]
out = {
    "version": card.version.value,
    "fn": card.fn.value,
    "emails": values("email"),
    "tels": values("tel"),
    "serialized": card.serialize(),
}
if "n" in card.contents:
    out["n"] = {"family": card.n.value.family, "given": card.n.value.given}
print(json.dumps(out))
`;

/**
 * Parses `vcard` with vobject (Debian package python3-vobject), a widely used Python
 * vCard parser, as an independent oracle.
 */
export async function parseWithVobject(vcard: string): Promise<OracleCard> {
  if (!existsSync(PYTHON))
    throw new Error(`${PYTHON} not found: install python3 and python3-vobject`);
  const child = run(PYTHON, ['-c', SCRIPT], { encoding: 'utf8' });
  child.child.stdin?.end(vcard);
  try {
    const { stdout } = await child;
    return JSON.parse(stdout) as OracleCard;
  } catch (error) {
    throw new Error(
      `vobject could not parse the card (is python3-vobject installed?): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
