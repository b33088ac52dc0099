import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext } from './api/context.tsx';
import { createApiClient } from './api/client.ts';
import { connectWebSocketBridge } from './api/ws-bridge.ts';
import { App } from './app/App.tsx';

const bridge = window.mt2 ?? connectWebSocketBridge(window.location.href);
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <ApiContext value={createApiClient(bridge)}>
      <App />
    </ApiContext>
  </StrictMode>,
);
