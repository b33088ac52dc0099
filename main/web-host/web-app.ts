import type { EngineOptions } from '../../src/client/index.ts';
import { loggedCallBridge, type EngineHandle } from '../bridge.ts';
import { startEngine } from '../engine.ts';
import { startWebHost, type RunningWebHost } from './server.ts';

export interface WebAppOptions {
  /** The engine's options: `dataDir` holds its identity, store, settings and the embedded mt2d. */
  readonly engine: EngineOptions;
  /** The renderer build to serve. */
  readonly rendererDir: string;
  readonly port?: number;
}

export interface RunningWebApp {
  readonly host: RunningWebHost;
  readonly engine: EngineHandle;
  close(): Promise<void>;
}

/** The engine and the web host serving it: what `npm run web`, the e2e tests and bench:ui run. */
export async function startWebApp(options: WebAppOptions): Promise<RunningWebApp> {
  const engine = await startEngine(options.engine);
  try {
    const host = await startWebHost({
      rendererDir: options.rendererDir,
      bridge: loggedCallBridge(engine.api),
      subscribe: (listener) => engine.onEvent(listener),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
    return {
      host,
      engine,
      close: async () => {
        await host.close();
        await engine.close();
      },
    };
  } catch (error) {
    await engine.close();
    throw error;
  }
}
