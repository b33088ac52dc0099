import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent, CallOutcome, Mt2Bridge } from '../../src/api/index.ts';
// Straight from transport.ts, not index.ts: the sandboxed preload is bundled whole, and
// the index would pull zod and every schema into it for two channel names.
import { IPC_CHANNEL } from '../../src/api/transport.ts';

// The whole surface the page gets: two functions. The page never sees ipcRenderer or
// Electron's event objects; main checks the sender and validates every call again.
const bridge: Mt2Bridge = {
  call: (method, params) =>
    ipcRenderer.invoke(IPC_CHANNEL.call, method, params) as Promise<CallOutcome<typeof method>>,
  onEvent: (listener) => {
    const forward = (_event: IpcRendererEvent, apiEvent: ApiEvent): void => {
      listener(apiEvent);
    };
    ipcRenderer.on(IPC_CHANNEL.event, forward);
    return () => {
      ipcRenderer.removeListener(IPC_CHANNEL.event, forward);
    };
  },
};

contextBridge.exposeInMainWorld('mt2', bridge);
