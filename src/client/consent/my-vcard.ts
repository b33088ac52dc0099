// The user's own vCard (vCard 4.0), edited in settings and sent only when the user
// approves a request for it or shares it. Kept in its own file in the data folder.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readVcard, writeVcard, type VcardFields } from '../../extensions/index.ts';

const FILE = 'my-vcard.vcf';

export class MyVcard {
  readonly #path: string;
  #text: string | undefined;

  constructor(dataDir: string) {
    this.#path = join(dataDir, FILE);
    this.#text = MyVcard.#load(this.#path);
  }

  static #load(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  get text(): string | undefined {
    return this.#text;
  }

  get fullName(): string | undefined {
    return this.#text === undefined ? undefined : readVcard(this.#text).fullName;
  }

  /** Writes a new vCard from `fields` (checked by reading it back before it is kept). */
  set(fields: VcardFields): void {
    const text = writeVcard(fields);
    readVcard(text);
    writeFileSync(this.#path, text, { mode: 0o600 });
    this.#text = text;
  }
}
