import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererPlugins } from './tools/renderer-build.ts';

// Paths from this file's folder: electron-vite bundles the config, so the imported
// module's own import.meta.dirname does not point into the project.
const root = import.meta.dirname;
const rendererRoot = resolve(root, 'renderer');

export default defineConfig({
  main: {
    build: {
      lib: {
        entry: {
          main: resolve(root, 'main/electron/main.ts'),
          // The local store's worker thread: the engine starts `./worker.js` next to the
          // module that opens the store, which the bundle makes out/main/main.js.
          worker: resolve(root, 'src/client/store/worker.ts'),
        },
        formats: ['es'],
      },
    },
  },
  preload: {
    // CommonJS: Electron loads an ES module preload only with the sandbox off.
    build: {
      lib: { entry: resolve(root, 'main/electron/preload.ts'), formats: ['cjs'] },
      externalizeDeps: false,
    },
  },
  renderer: {
    root: rendererRoot,
    plugins: rendererPlugins(),
    build: {
      rolldownOptions: { input: resolve(rendererRoot, 'index.html') },
      minify: true,
    },
  },
});
