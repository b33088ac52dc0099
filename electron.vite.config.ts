import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { APP_CSP } from './main/csp.ts';

const root = import.meta.dirname;

/**
 * Puts the app's CSP into the built index.html too (not in dev: Vite's dev client
 * injects inline scripts). frame-ancestors works only as a header, so the meta tag
 * leaves it out; the web host and the app:// handler send the whole policy as a header.
 */
const META_CSP = APP_CSP.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'mt2-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CSP },
        injectTo: 'head-prepend',
      },
    ],
  };
}

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
    root: resolve(root, 'renderer'),
    plugins: [react(), contentSecurityPolicy()],
    build: {
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
