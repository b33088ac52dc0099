import { API_ERROR, type CallOutcome } from '../src/api/index.ts';
import type { CallBridge } from './bridge.ts';

/** What main knows about the frame an IPC message came from (from Electron's event). */
export interface IpcSender {
  readonly webContentsId: number;
  /** The sending frame's URL; undefined when the frame is already gone. */
  readonly frameUrl: string | undefined;
  /** Whether the sending frame is its window's top frame (not an iframe). */
  readonly isMainFrame: boolean;
}

/** The one renderer that may call the engine: the app's window, showing the app's origin. */
export interface TrustedRenderer {
  readonly webContentsId: number;
  /** `scheme://host[:port]`, e.g. `app://mt2`, or the dev server's origin in development. */
  readonly origin: string;
}

/**
 * `scheme://host[:port]` of a URL. Not `URL.origin`: WHATWG URL gives `null` as the
 * origin of custom schemes such as the app's own `app://`, which Chromium treats as a
 * standard scheme with a real origin.
 */
export function originOf(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (parsed.host === '') return undefined;
  return `${parsed.protocol}//${parsed.host}`;
}

/** True only for the app's own top frame, in the app's window, at the app's origin. */
export function isTrustedSender(sender: IpcSender, trusted: TrustedRenderer | undefined): boolean {
  if (trusted === undefined) return false;
  if (sender.webContentsId !== trusted.webContentsId || !sender.isMainFrame) return false;
  if (sender.frameUrl === undefined) return false;
  return originOf(sender.frameUrl) === trusted.origin;
}

/**
 * Main's handler for the call channel, without Electron in it so tests can drive it:
 * a call from anywhere but the trusted renderer is refused before it is even validated.
 */
export function createIpcCallHandler(
  bridge: CallBridge,
  trusted: () => TrustedRenderer | undefined,
): (sender: IpcSender, method: unknown, params: unknown) => Promise<CallOutcome> {
  return async (sender, method, params) => {
    if (!isTrustedSender(sender, trusted())) {
      return {
        ok: false,
        error: { code: API_ERROR.FORBIDDEN_SENDER, message: 'This frame may not call the engine.' },
      };
    }
    return bridge(method, params);
  };
}
