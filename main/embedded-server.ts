import type { EmbeddedServerHost } from '../src/client/index.ts';
import { addUser, initServerDirectory, renewUser, startServer } from '../src/server/index.ts';

/**
 * The embedded mt2d, run inside the app's own process with src/server's functions.
 * (src/client may not import src/server; main hands them to the engine.)
 */
export const IN_PROCESS_SERVER: EmbeddedServerHost = {
  init: (options) => initServerDirectory(options),
  certify: (options) => addUser(options),
  renew: (options) => renewUser(options),
  start: (options) => startServer(options),
};
