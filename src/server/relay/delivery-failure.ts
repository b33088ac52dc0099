import { Mt2Error, RESULT, isTransient } from '../../protocol/index.ts';
import { RoutingError } from '../routing/index.ts';
import { RelayError } from './errors.ts';

/**
 * Why a message did not go, as it will be logged and, when permanent, reported to the
 * sender: a dotted MT2 result code and a text.
 */
export interface DeliveryFailure {
  /** True when trying again cannot help (an error report goes to the sender). */
  readonly permanent: boolean;
  /** The peer's result code, or the core code closest to what happened here. */
  readonly code: string;
  readonly text: string;
}

/**
 * Sorts an error into transient or permanent, as issue 5 wants: the peer's class 4 codes,
 * connections refused or dropped, TLS and certificate failures, DNS timeouts and our own
 * storage troubles are transient; the peer's class 5 codes, a message larger than the
 * peer takes and a domain without any route are permanent.
 */
export function classifyFailure(error: unknown): DeliveryFailure {
  if (error instanceof Mt2Error) {
    switch (error.code) {
      case 'REFUSED':
      case 'ABORTED':
        return {
          permanent: !isTransientCode(error.result),
          code: error.result,
          text: error.message,
        };
      case 'PART_TOO_LARGE':
      case 'MESSAGE_TOO_LARGE':
        return { permanent: true, code: error.result, text: error.message };
      default:
        // The session died, timed out, went out of step or never came up: another try may do.
        return { permanent: false, code: error.result, text: `${error.code}: ${error.message}` };
    }
  }
  if (error instanceof RoutingError) {
    return { permanent: !error.transient, code: RESULT.FAILED, text: error.message };
  }
  if (error instanceof RelayError) {
    const permanent = error.code === 'RELAY_QUEUED_MESSAGE_UNREADABLE';
    return { permanent, code: RESULT.FAILED, text: `${error.code}: ${error.message}` };
  }
  // Anything else is trouble on this side (the store, say), never the message's fault.
  const text = error instanceof Error ? error.message : String(error);
  return { permanent: false, code: RESULT.STORAGE_UNAVAILABLE, text };
}

function isTransientCode(code: string): boolean {
  try {
    return isTransient(code);
  } catch {
    return false; // not a result code at all: the peer is broken; do not retry forever
  }
}
