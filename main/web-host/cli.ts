// `npm run web`: builds the renderer if there is no build yet, starts the engine (which
// starts the embedded mt2d on first run) and the web host, and prints the URL to open.
// MT2_DATA_DIR sets the data folder (default ~/.mt2-web), MT2_WEB_PORT the port.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startWebApp } from './web-app.ts';

const projectDir = join(import.meta.dirname, '..', '..');
const rendererDir = join(projectDir, 'out', 'renderer');

async function main(): Promise<void> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    console.log('Building the renderer (electron-vite build)...');
    const { build } = await import('electron-vite');
    await build({ root: projectDir });
  }
  const port = Number(process.env['MT2_WEB_PORT'] ?? '0');
  const app = await startWebApp({
    engine: {
      dataDir: process.env['MT2_DATA_DIR'] ?? join(homedir(), '.mt2-web'),
    },
    rendererDir,
    port: Number.isInteger(port) && port >= 0 && port < 65536 ? port : 0,
  });
  console.log(`MT2 is running. Open this URL (it holds this launch's key): ${app.host.url}`);
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('mt2 web:', error);
  process.exit(1);
});
