import type { ClientContext } from '../session/client-context.ts';
import type { CoreVerb } from '../session/server-verbs/index.ts';
import { abor } from './abor.ts';
import { dele } from './dele.ts';
import { flag } from './flag.ts';
import { helo } from './helo.ts';
import { list } from './list.ts';
import { noop } from './noop.ts';
import { opt } from './opt.ts';
import { pull } from './pull.ts';
import { quit } from './quit.ts';
import { stat } from './stat.ts';
import { xfer } from './xfer.ts';

/** The verbs a client sends: the core ones and those of the built-in extensions. */
export type ClientVerb = CoreVerb | 'STAT' | 'LIST' | 'PULL' | 'FLAG' | 'DELE';

/** A verb module: builds its request, checks its preconditions, returns a typed result. */
type VerbModule = (context: ClientContext, ...args: never[]) => Promise<unknown>;

/**
 * One module per verb (docs/protocol.md section 6); `satisfies` turns a missing verb
 * into a compile error rather than a failed lookup at run time.
 */
export const CLIENT_VERBS = {
  HELO: helo,
  OPT: opt,
  XFER: xfer,
  ABOR: abor,
  NOOP: noop,
  QUIT: quit,
  STAT: stat,
  LIST: list,
  PULL: pull,
  FLAG: flag,
  DELE: dele,
} as const satisfies Record<ClientVerb, VerbModule>;

export type { HeloResult } from './helo.ts';
export type { OptResult } from './opt.ts';
export type { StatResult } from './stat.ts';
export { transferMessage, type MessageParts, type XferOptions, type XferResult } from './xfer.ts';
