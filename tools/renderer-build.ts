// The renderer's Vite settings, shared by electron.vite.config.ts (the app's build)
// and by the end-to-end tests and bench:ui, which build the renderer into a folder of
// their own so parallel runs never share out/.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { build, type InlineConfig, type Plugin } from 'vite';
import { APP_CSP } from '../main/csp.ts';

const projectDir = resolve(import.meta.dirname, '..');
export const RENDERER_ROOT = resolve(projectDir, 'renderer');

/**
 * frame-ancestors works only as a header, so the meta tag leaves frame-ancestors out; the
 * web host and the app:// handler send the whole policy as a header.
 */
const META_CSP = APP_CSP.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');

/** Puts the app's CSP into the built index.html (not in dev: Vite's dev client injects inline scripts). */
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

export const rendererPlugins = (): Plugin[] => [...react(), contentSecurityPolicy()];

/** Builds the renderer into `outDir` (relative asset URLs, as the web host's token path needs). */
export async function buildRenderer(outDir: string): Promise<void> {
  const config: InlineConfig = {
    configFile: false,
    root: RENDERER_ROOT,
    base: './',
    logLevel: 'error',
    plugins: rendererPlugins(),
    build: {
      outDir,
      emptyOutDir: true,
      target: 'chrome130',
      minify: true,
      reportCompressedSize: false,
    },
  };
  await build(config);
}
