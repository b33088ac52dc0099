import { describe, it } from 'node:test';
import { join } from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { layering } from '../../../tools/eslint-rules/layering.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
});
// The rule resolves paths against ESLint's cwd, which RuleTester takes from the process.
const at = (file: string) => ({ filename: join(process.cwd(), file) });

tester.run('mt2/layering', layering, {
  valid: [
    { code: "import { x } from './codec/decoder.ts';", ...at('src/protocol/index.ts') },
    { code: "import { connect } from 'node:tls';", ...at('src/protocol/node/transport.ts') },
    { code: "import { parse } from '../message/index.ts';", ...at('src/identity/cms.ts') },
    { code: "import { Session } from '../protocol/index.ts';", ...at('src/server/session.ts') },
    { code: "import type { Api } from '../src/api/index.ts';", ...at('renderer/app.tsx') },
    { code: "import { main } from '../src/cli/mt2.ts';", ...at('bin/mt2.ts') },
    { code: "import { x } from './helpers.internal.ts';", ...at('src/message/xml/decode.ts') },
  ],
  invalid: [
    {
      code: "import { BrowserWindow } from 'electron';",
      ...at('src/client/engine.ts'),
      errors: [{ messageId: 'forbiddenPackage' }],
    },
    {
      code: "import { useState } from 'react';",
      ...at('src/api/contract.ts'),
      errors: [{ messageId: 'forbiddenPackage' }],
    },
    {
      code: "import { parse } from '../../message/index.ts';",
      ...at('src/protocol/codec/decoder.ts'),
      errors: [{ messageId: 'layer' }],
    },
    {
      code: "import { Store } from '../server/index.ts';",
      ...at('src/client/sync.ts'),
      errors: [{ messageId: 'layer' }],
    },
    {
      code: "import { Socket } from 'node:net';",
      ...at('src/protocol/session/server-session.ts'),
      errors: [{ messageId: 'pureProtocol' }],
    },
    {
      code: "import { randomBytes } from 'node:crypto';",
      ...at('src/protocol/verbs/xfer.ts'),
      errors: [{ messageId: 'pureProtocol' }],
    },
    {
      code: "import { parseXml } from '../message/xml/decode.ts';",
      ...at('src/identity/cms.ts'),
      errors: [{ messageId: 'deepImport' }],
    },
    {
      code: "import { x } from '../xml/helpers.internal.ts';",
      ...at('src/message/mime/body.ts'),
      errors: [{ messageId: 'internal' }],
    },
    {
      code: "import { readFile } from 'node:fs';",
      ...at('renderer/app.tsx'),
      errors: [{ messageId: 'nodeBuiltin' }],
    },
    {
      code: "import { methods } from '../src/api/index.ts';",
      ...at('renderer/app.tsx'),
      errors: [{ messageId: 'typeOnly' }],
    },
    {
      code: "import { Engine } from '../src/client/index.ts';",
      ...at('renderer/app.tsx'),
      errors: [{ messageId: 'layer' }],
    },
    {
      code: 'export const x = 1;',
      ...at('src/misc/thing.ts'),
      errors: [{ messageId: 'unclassified' }],
    },
  ],
});
