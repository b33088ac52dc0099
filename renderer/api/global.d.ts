import type { Mt2Bridge } from '../../src/api/index.ts';

declare global {
  interface Window {
    /** Present in Electron (exposed by the preload); absent in the web host's page. */
    readonly mt2?: Mt2Bridge;
  }
}
