// An in-memory implementation of the server hooks, recording every call, for session
// tests (the real store is mt2d's, a later issue). It is the storage behind the hooks,
// not a stand-in for a protocol component.
import {
  RESULT,
  type AbortReason,
  type CompleteVerdict,
  type FragmentInfo,
  type HeloRequest,
  type HeloVerdict,
  type Mt2Error,
  type ServerHooks,
  type Verdict,
} from '../../src/protocol/index.ts';

export interface StoredMessage {
  readonly parts: Map<string, Uint8Array[]>;
}

/** Records what the server session asked; decisions can be scripted per test. */
export class MemoryStore implements ServerHooks {
  readonly open = new Map<string, StoredMessage>();
  readonly committed = new Map<string, Map<string, Uint8Array>>();
  readonly aborted: [string, AbortReason][] = [];
  readonly events: string[] = [];
  closedWith: Mt2Error | undefined;
  /** Scripted HELO answer; default: accepted and trusted. */
  helo: (request: HeloRequest) => HeloVerdict = () => ({ accept: true, trusted: true });
  /** Scripted XFER permission; default: accepted. */
  permit: (fragment: FragmentInfo) => Verdict = () => ({ accept: true });
  /** Envelope-only control messages: msg-ids whose envelope commits the message. */
  readonly controlMessages = new Set<string>();
  /** Throws from onPartComplete when set (a failing disk). */
  failWrites = false;

  onHelo(request: HeloRequest): HeloVerdict {
    this.events.push(`helo ${request.chain.length}`);
    return this.helo(request);
  }

  onXfer(fragment: FragmentInfo): Verdict {
    this.events.push(
      `xfer ${fragment.msgId} ${fragment.part} ${fragment.size} ${fragment.pending}`,
    );
    return this.permit(fragment);
  }

  onPartData(fragment: FragmentInfo, data: Uint8Array): void {
    const message = this.open.get(fragment.msgId) ?? { parts: new Map<string, Uint8Array[]>() };
    this.open.set(fragment.msgId, message);
    const chunks = message.parts.get(fragment.part) ?? [];
    chunks.push(data.slice());
    message.parts.set(fragment.part, chunks);
  }

  onPartComplete(fragment: FragmentInfo): CompleteVerdict | Promise<CompleteVerdict> {
    if (this.failWrites) throw new Error('disk full');
    this.events.push(`complete ${fragment.msgId} ${fragment.part} ${fragment.pending}`);
    const control =
      fragment.part === 'message/envelope' && this.controlMessages.has(fragment.msgId);
    if (!fragment.lastOfMessage && !control) return { accept: true };
    const message = this.open.get(fragment.msgId);
    if (message === undefined) return { accept: false, code: RESULT.TRANSFER_REFUSED };
    const parts = new Map<string, Uint8Array>();
    for (const [part, chunks] of message.parts) parts.set(part, Buffer.concat(chunks));
    this.committed.set(fragment.msgId, parts);
    this.open.delete(fragment.msgId);
    return { accept: true, committed: true };
  }

  onAbort(msgId: string, reason: AbortReason): void {
    this.aborted.push([msgId, reason]);
    this.open.delete(msgId);
  }

  onClose(reason: Mt2Error): void {
    this.closedWith = reason;
  }
}
