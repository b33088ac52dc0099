import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  protocol,
  safeStorage,
  session,
  type WebContents,
} from 'electron';
import { IPC_CHANNEL } from '../../src/api/index.ts';
import { loggedCallBridge, type EngineHandle } from '../bridge.ts';
import { APP_SECURITY_HEADERS } from '../csp.ts';
import { startEngine } from '../engine.ts';
import { createIpcCallHandler, originOf, type TrustedRenderer } from '../ipc-guard.ts';
import { readStaticFile } from '../static-files.ts';
import { RememberedPassphrase, rememberingBridge } from '../remembered-passphrase.ts';

const APP_ORIGIN = 'app://mt2';
const rendererDir = join(import.meta.dirname, '../renderer');
/** Set by `electron-vite dev` to its dev server; absent in a built app. */
const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];

// The app's own scheme: a standard, secure origin of its own (not file://, where every
// local file would share one origin with the app).
protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let trusted: TrustedRenderer | undefined;

function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, answer) => {
    answer(false);
  });
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, answer) => {
    answer({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [APP_SECURITY_HEADERS['Content-Security-Policy'] ?? ''],
      },
    });
  });
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'mt2' ? await readStaticFile(rendererDir, url.pathname) : undefined;
    if (file === undefined)
      return new Response(null, { status: 404, headers: APP_SECURITY_HEADERS });
    return new Response(new Uint8Array(file.body), {
      headers: { ...APP_SECURITY_HEADERS, 'Content-Type': file.contentType },
    });
  });
}

function openWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'MT2 Mail',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click would otherwise open links in new windows (before the open handler).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  const pageUrl = devServerUrl ?? `${APP_ORIGIN}/index.html`;
  trusted = { webContentsId: window.webContents.id, origin: originOf(pageUrl) ?? APP_ORIGIN };
  window.on('closed', () => {
    trusted = undefined;
  });
  void window.loadURL(pageUrl);
  return window;
}

async function run(): Promise<void> {
  await app.whenReady();
  hardenSession();
  app.on('web-contents-created', (_event, contents) => {
    hardenContents(contents);
  });
  const dataDir = join(app.getPath('userData'), 'engine');
  const engine: EngineHandle = await startEngine({ dataDir });
  // The OS keyring may keep the passphrase (never Electron's basic_text fallback).
  const remembered = new RememberedPassphrase(safeStorage, process.platform, dataDir);
  if (!remembered.decision.use) console.info(`passphrase: ${remembered.decision.reason}`);
  const passphrase = await remembered.load();
  if (passphrase !== undefined) {
    // A passphrase changed since, or keys restored from elsewhere: ask the user instead.
    await engine.api.unlock({ passphrase }).catch(() => remembered.forget());
  }
  const bridge = rememberingBridge(loggedCallBridge(engine.api), remembered);
  const handleCall = createIpcCallHandler(bridge, () => trusted);
  ipcMain.handle(IPC_CHANNEL.call, (event, method: unknown, params: unknown) =>
    handleCall(
      {
        webContentsId: event.sender.id,
        frameUrl: event.senderFrame?.url,
        isMainFrame: event.senderFrame !== null && event.senderFrame === event.sender.mainFrame,
      },
      method,
      params,
    ),
  );
  let window = openWindow();
  engine.onEvent((apiEvent) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_CHANNEL.event, apiEvent);
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = openWindow();
  });
  app.on('window-all-closed', () => {
    void engine.close().finally(() => {
      app.quit();
    });
  });
}

void run();
