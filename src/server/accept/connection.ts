import {
  RESULT,
  pipeExtension,
  statExtension,
  traceExtension,
  traceOption,
  type CompleteVerdict,
  type FragmentInfo,
  type MessageStatus,
  type ServerHooks,
  type SessionSetup,
  type TransferExtension,
  type Verdict,
} from '../../protocol/index.ts';
import type { ServerLog } from '../daemon/log.ts';
import { storedWireParts } from '../mailbox/part-names.ts';
import { admitPeer, type AdmissionContext, type SessionPeer } from './admission.ts';
import { MessageIntake, type Delivered, type IntakeContext } from './message-intake.ts';
import { refusal } from './refusal.ts';

/** Everything one connection needs of the running server. */
export interface AcceptanceServer extends IntakeContext, AdmissionContext {
  readonly log: ServerLog;
  /** A message was committed (local mailboxes and relay queues filled). */
  onDelivered(delivered: Delivered): void;
  /** Mailbox access (offered by the extension itself to user sessions only). */
  readonly mailbox: TransferExtension;
}

function storeStatus(server: AcceptanceServer, msgId: string): MessageStatus | undefined {
  if (!server.store.has(msgId)) return undefined;
  return { state: 'committed', parts: storedWireParts(server.store.sizes(msgId)) };
}

/**
 * One connection's session: HELO admission, then each message through its
 * {@link MessageIntake}; the TRACE switch puts the path into the committing OK.
 * Transfer extensions named in `filters.refusedExtensions` are not offered.
 */
export function acceptanceSession(server: AcceptanceServer, session: string): SessionSetup {
  let peer: SessionPeer | undefined;
  const intakes = new Map<string, { intake: MessageIntake; envelopeBytes: number }>();
  const trace = traceExtension();
  const log = server.log;

  const hooks: ServerHooks = {
    async onHelo(request) {
      const admission = await admitPeer(request, server);
      if (!admission.admitted) {
        log.event('helo-refused', { session, code: admission.code, reason: admission.text });
        return { accept: false, code: admission.code, text: admission.text };
      }
      peer = admission.peer;
      const identity = peer.kind === 'user' ? peer.address : peer.hostname;
      log.event('helo', { session, kind: peer.kind, identity });
      return { accept: true, trusted: true, identity, kind: peer.kind };
    },
    onXfer(fragment: FragmentInfo): Verdict {
      if (peer === undefined) return refusal(RESULT.BAD_SEQUENCE, 'HELO first');
      let entry = intakes.get(fragment.msgId);
      if (entry === undefined) {
        entry = { intake: new MessageIntake(fragment.msgId, peer, server), envelopeBytes: 0 };
        intakes.set(fragment.msgId, entry);
      }
      if (fragment.part === 'message/envelope') {
        entry.envelopeBytes += fragment.size;
        if (entry.envelopeBytes > server.config.limits.maxEnvelopeBytes) {
          return refusal(
            RESULT.PART_TOO_LARGE,
            `envelope over ${server.config.limits.maxEnvelopeBytes} octets`,
          );
        }
      }
      return { accept: true };
    },
    onPartData(fragment, data) {
      intakes.get(fragment.msgId)?.intake.add(data);
    },
    async onPartComplete(fragment): Promise<CompleteVerdict> {
      const entry = intakes.get(fragment.msgId);
      if (entry === undefined) return refusal(RESULT.TRANSFER_REFUSED, 'message already refused');
      const { verdict, delivered } = await entry.intake.complete(fragment);
      if (!verdict.accept) {
        log.event('refused', {
          session,
          msgId: fragment.msgId,
          part: fragment.part,
          code: verdict.code,
          reason: verdict.text,
        });
        return verdict;
      }
      if (verdict.committed !== true) return verdict;
      intakes.delete(fragment.msgId);
      if (delivered === undefined) return verdict;
      server.onDelivered(delivered);
      if (!trace.enabled()) return verdict;
      return { ...verdict, options: [traceOption(delivered.envelope.trace)] };
    },
    onAbort(msgId) {
      intakes.get(msgId)?.intake.discard();
      intakes.delete(msgId);
    },
    onClose(reason) {
      log.event('session-closed', { session, reason: reason.code });
    },
  };

  const refused = new Set(server.config.filters.refusedExtensions.map((n) => n.toUpperCase()));
  const extensions = [
    pipeExtension(),
    statExtension((msgId) => storeStatus(server, msgId)),
    trace.extension,
    server.mailbox,
  ].filter((extension) => !refused.has(extension.name));
  return { hooks, extensions };
}
