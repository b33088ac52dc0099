import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { RENDERER_ROOT, rendererPlugins } from './tools/renderer-build.ts';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      lib: { entry: resolve(root, 'main/electron/main.ts'), formats: ['es'] },
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
    root: RENDERER_ROOT,
    plugins: rendererPlugins(),
    build: {
      rolldownOptions: { input: resolve(RENDERER_ROOT, 'index.html') },
      minify: true,
    },
  },
});
