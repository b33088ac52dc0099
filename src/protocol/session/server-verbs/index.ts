import { ABOR } from './abor.ts';
import type { CoreVerb, ServerVerbSpec } from './context.ts';
import { HELO } from './helo.ts';
import { NOOP } from './noop.ts';
import { OPT } from './opt.ts';
import { QUIT } from './quit.ts';
import { XFER } from './xfer.ts';

export * from './context.ts';

/** The core verb handlers; `satisfies` makes a missing verb a compile error. */
export const SERVER_VERBS = {
  HELO,
  OPT,
  XFER,
  ABOR,
  NOOP,
  QUIT,
} as const satisfies Record<CoreVerb, ServerVerbSpec>;
