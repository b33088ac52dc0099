import { createEngine, type EngineOptions } from '../src/client/index.ts';
import type { EngineHandle } from './bridge.ts';
import { IN_PROCESS_SERVER } from './embedded-server.ts';

/**
 * Starts the mail engine on a data folder. The engine starts the embedded mt2d itself
 * (on first run after onboarding, on later runs at once); by default that server runs
 * in this process, tests hand in one that runs real `mt2d` processes.
 */
export async function startEngine(options: EngineOptions): Promise<EngineHandle> {
  const engine = await createEngine({ embeddedServer: IN_PROCESS_SERVER, ...options });
  return {
    api: engine,
    onEvent: (listener) => engine.onEvent(listener),
    close: () => engine.close(),
  };
}
