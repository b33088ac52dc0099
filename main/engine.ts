import { createEngine } from '../src/client/index.ts';
import type { EngineHandle } from './bridge.ts';

/** Starts the mail engine on a data folder (the engine starts the embedded mt2d itself). */
export async function startEngine(dataDir: string): Promise<EngineHandle> {
  const engine = await createEngine({ dataDir });
  return {
    api: engine,
    onEvent: (listener) => engine.onEvent(listener),
    close: () => engine.close(),
  };
}
