import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { build } from 'vite';
import type { Rolldown } from 'vite';
import { IPC_CHANNEL, type Mt2Bridge } from '../../../src/api/index.ts';

// The preload as Electron loads it: bundled as CommonJS (the same lib build as
// electron.vite.config.ts), run in a fresh context whose `require('electron')` records
// what the preload does with contextBridge and ipcRenderer. (The real Electron module
// cannot load here; these stand-ins are Electron's API surface, not our code.)
const entry = new URL('../../../main/electron/preload.ts', import.meta.url).pathname;

async function bundlePreload(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry, formats: ['cjs'], fileName: 'preload' },
      rolldownOptions: { external: ['electron'] },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((output) => output.output).find((file) => file.type === 'chunk');
  assert.ok(chunk?.type === 'chunk', 'the build produced the preload');
  return chunk.code;
}

interface Recorded {
  exposed: [string, unknown][];
  invoked: unknown[][];
  listeners: Map<string, ((...args: unknown[]) => void)[]>;
  required: string[];
}

function runPreload(code: string): Recorded {
  const recorded: Recorded = { exposed: [], invoked: [], listeners: new Map(), required: [] };
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, value: unknown) => recorded.exposed.push([key, value]),
    },
    ipcRenderer: {
      invoke: (...args: unknown[]) => {
        recorded.invoked.push(args);
        return Promise.resolve({ ok: true, result: null });
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => {
        recorded.listeners.set(channel, [...(recorded.listeners.get(channel) ?? []), listener]);
      },
      removeListener: (channel: string, listener: (...args: unknown[]) => void) => {
        recorded.listeners.set(
          channel,
          (recorded.listeners.get(channel) ?? []).filter((l) => l !== listener),
        );
      },
    },
  };
  const module = { exports: {} };
  runInNewContext(code, {
    module,
    exports: module.exports,
    require: (name: string) => {
      recorded.required.push(name);
      if (name !== 'electron')
        throw new Error(`the sandboxed preload may require only electron, not ${name}`);
      return electron;
    },
  });
  return recorded;
}

test('the preload exposes exactly one object, window.mt2, with call and onEvent only', async () => {
  const code = await bundlePreload();
  assert.ok(
    code.length < 4096,
    `the preload stays small (${code.length} chars): no schemas bundled`,
  );
  const recorded = runPreload(code);
  assert.deepEqual(recorded.required, ['electron'], 'nothing but electron is required (sandbox)');
  assert.equal(recorded.exposed.length, 1);
  const [key, value] = recorded.exposed[0] ?? [];
  assert.equal(key, 'mt2');
  assert.deepEqual(Object.keys(value as object).sort(), ['call', 'onEvent']);
});

test('call invokes the call channel with the method and params, nothing else', async () => {
  const recorded = runPreload(await bundlePreload());
  const bridge = recorded.exposed[0]?.[1] as Mt2Bridge;
  await bridge.call('listMessages', { folder: 'inbox', limit: 5 });
  assert.deepEqual(recorded.invoked, [
    [IPC_CHANNEL.call, 'listMessages', { folder: 'inbox', limit: 5 }],
  ]);
});

test("onEvent hands the page the event without Electron's event object, and unsubscribes", async () => {
  const recorded = runPreload(await bundlePreload());
  const bridge = recorded.exposed[0]?.[1] as Mt2Bridge;
  const received: unknown[][] = [];
  const unsubscribe = bridge.onEvent((...args: unknown[]) => received.push(args));
  const listeners = recorded.listeners.get(IPC_CHANNEL.event) ?? [];
  assert.equal(listeners.length, 1);
  const apiEvent = { type: 'notice', level: 'info', text: 'hi' };
  listeners[0]?.({ sender: 'electron internals' }, apiEvent);
  assert.deepEqual(received, [[apiEvent]]);
  unsubscribe();
  assert.equal(recorded.listeners.get(IPC_CHANNEL.event)?.length, 0);
});
