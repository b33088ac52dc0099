import type { SpentStampStore } from '../../extensions/index.ts';
import { encryptedPartsOf, type EncryptablePart } from '../../identity/index.ts';
import {
  MessageError,
  decodeEnvelope,
  decodeHeaders,
  encodeEnvelope,
  type Mt2Envelope,
} from '../../message/index.ts';
import { RESULT, type CompleteVerdict, type FragmentInfo } from '../../protocol/index.ts';
import { StoreError, type IncomingMessage, type MessageStore } from '../store/index.ts';
import type { SessionPeer } from './admission.ts';
import { checkEnvelope, type AcceptedEnvelope, type EnvelopeContext } from './envelope-policy.ts';
import { mimeSyntaxProblem } from './mime-syntax.ts';
import { refusal } from './refusal.ts';

/** The mailbox that queues messages for another domain (the relay reads it). */
export function relayMailbox(domain: string): string {
  return `relay:${domain}`;
}

/** What a message's intake needs of the server. */
export interface IntakeContext extends EnvelopeContext {
  readonly store: MessageStore;
  readonly stamps: SpentStampStore;
  /** Appends this host's signed trace entry (appendTrace with the host credentials). */
  appendTrace(envelope: Mt2Envelope, at: Date): Mt2Envelope | Promise<Mt2Envelope>;
}

/** What a committed message became. */
export interface Delivered {
  readonly msgId: string;
  readonly envelope: Mt2Envelope;
  readonly local: readonly string[];
  readonly remoteDomains: readonly string[];
  /** True when the id was already stored: the retry was answered, nothing stored twice. */
  readonly duplicate: boolean;
}

type Phase =
  | { readonly kind: 'envelope' }
  | { readonly kind: 'duplicate' }
  | {
      readonly kind: 'accepted';
      readonly incoming: IncomingMessage;
      readonly route: AcceptedEnvelope;
      readonly envelope: Mt2Envelope;
      readonly encrypted: ReadonlySet<EncryptablePart>;
    };

const PART_NAMES = {
  'message/envelope': 'envelope',
  'message/headers': 'headers',
  'message/body': 'body',
} as const;

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  return Buffer.concat(chunks);
}

/**
 * One message on its way in: the envelope is gathered whole, filtered, traced and stored;
 * headers and body fragments are stored (fsynced) each before their OK; the headers are
 * decoded and the body's MIME syntax checked when they are in the clear and small enough;
 * the last body fragment commits. A msg-id already stored is received and dropped, and
 * answered as committed (a retried transfer is delivered once).
 */
export class MessageIntake {
  #phase: Phase;
  #fragment: Uint8Array[] = [];
  #envelopeChunks: Uint8Array[] = [];
  #checked: { headers: Uint8Array[]; body: Uint8Array[]; bodyBytes: number } = {
    headers: [],
    body: [],
    bodyBytes: 0,
  };

  constructor(
    readonly msgId: string,
    private readonly peer: SessionPeer,
    private readonly context: IntakeContext,
  ) {
    this.#phase = context.store.has(msgId) ? { kind: 'duplicate' } : { kind: 'envelope' };
  }

  /** Data of the fragment in progress. */
  add(data: Uint8Array): void {
    this.#fragment.push(data);
  }

  /** The fragment's data is complete: store or check it; the answer for its OK or ERR. */
  async complete(
    fragment: FragmentInfo,
  ): Promise<{ verdict: CompleteVerdict; delivered?: Delivered }> {
    const data = concat(this.#fragment);
    this.#fragment = [];
    const part = PART_NAMES[fragment.part];
    if (part === 'envelope') {
      this.#envelopeChunks.push(data);
      if (fragment.pending > 0) return { verdict: { accept: true } };
      return this.#onEnvelope(concat(this.#envelopeChunks));
    }
    const phase = this.#phase;
    if (phase.kind === 'duplicate') {
      return fragment.lastOfMessage ? this.#deliveredDuplicate() : ok();
    }
    if (phase.kind !== 'accepted') return { verdict: refusal(RESULT.PART_OUT_OF_ORDER, '') };
    await phase.incoming.appendFragment(part, data);
    const problem = this.#check(part, data, fragment.pending, phase.encrypted);
    if (problem !== undefined) return { verdict: problem };
    return fragment.lastOfMessage ? this.#commit(phase) : ok();
  }

  /** Nothing of the message will be committed. */
  discard(): void {
    if (this.#phase.kind === 'accepted') this.#phase.incoming.discard();
    this.#fragment = [];
  }

  async #onEnvelope(bytes: Uint8Array) {
    this.#envelopeChunks = [];
    let envelope: Mt2Envelope;
    try {
      envelope = decodeEnvelope(bytes);
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
      return { verdict: refusal(RESULT.ENVELOPE_MALFORMED, `${error.code}: ${error.message}`) };
    }
    if (this.#phase.kind === 'duplicate') {
      return envelope.control ? this.#deliveredDuplicate() : ok();
    }
    const at = new Date();
    const route = await checkEnvelope(envelope, this.msgId, this.peer, this.context, at);
    if (!route.accept) return { verdict: route };
    for (const stamp of route.stamps) {
      if (!(await this.context.stamps.spend(stamp.text, stamp.expiresAt))) {
        return { verdict: refusal(RESULT.POSTAGE_INVALID, 'HASHCASH_DOUBLE_SPENT') };
      }
    }
    const traced = await this.context.appendTrace(envelope, at);
    let incoming: IncomingMessage;
    try {
      incoming = this.context.store.begin(this.msgId);
    } catch (error) {
      if (error instanceof StoreError && error.code === 'STORE_DUPLICATE_MESSAGE') {
        this.#phase = { kind: 'duplicate' };
        return envelope.control ? this.#deliveredDuplicate() : ok();
      }
      throw error;
    }
    const phase = {
      kind: 'accepted' as const,
      incoming,
      route,
      envelope: traced,
      encrypted: encryptedPartsOf(envelope),
    };
    this.#phase = phase;
    await incoming.appendFragment('envelope', encodeEnvelope(traced));
    return envelope.control ? this.#commit(phase) : ok();
  }

  /** Headers must decode and bodies be MIME, when in the clear and within the check size. */
  #check(
    part: 'headers' | 'body',
    data: Uint8Array,
    pending: number,
    encrypted: ReadonlySet<EncryptablePart>,
  ) {
    const { limits, filters } = this.context.config;
    if (encrypted.has(part)) return undefined;
    if (part === 'headers') {
      this.#checked.headers.push(data);
      if (pending > 0) return undefined;
      try {
        decodeHeaders(concat(this.#checked.headers));
      } catch (error) {
        if (!(error instanceof MessageError)) throw error;
        return refusal(RESULT.HEADERS_MALFORMED, `${error.code}: ${error.message}`);
      } finally {
        this.#checked.headers = [];
      }
      return undefined;
    }
    if (!filters.checkMime) return undefined;
    this.#checked.bodyBytes += data.length;
    if (this.#checked.bodyBytes > limits.mimeCheckMaxBytes) {
      this.#checked.body = [];
      return undefined;
    }
    this.#checked.body.push(data);
    if (pending > 0) return undefined;
    const problem = mimeSyntaxProblem(concat(this.#checked.body));
    return problem === undefined ? undefined : refusal(RESULT.MIME_SYNTAX_ERROR, problem);
  }

  async #commit(phase: Extract<Phase, { kind: 'accepted' }>) {
    const { route } = phase;
    const mailboxes = [...route.local, ...route.remoteDomains.map(relayMailbox)];
    let duplicate = false;
    try {
      await phase.incoming.commit(mailboxes);
    } catch (error) {
      if (!(error instanceof StoreError && error.code === 'STORE_DUPLICATE_MESSAGE')) throw error;
      duplicate = true;
    }
    if (duplicate) return this.#deliveredDuplicate();
    const delivered: Delivered = {
      msgId: this.msgId,
      envelope: phase.envelope,
      local: route.local,
      remoteDomains: route.remoteDomains,
      duplicate,
    };
    return { verdict: { accept: true, committed: true } as const, delivered };
  }

  /** The stored copy answers the retry: its trace is the one reported. */
  async #deliveredDuplicate() {
    const envelope = decodeEnvelope(await this.context.store.readPart(this.msgId, 'envelope'));
    const delivered: Delivered = {
      msgId: this.msgId,
      envelope,
      local: [],
      remoteDomains: [],
      duplicate: true,
    };
    return { verdict: { accept: true, committed: true } as const, delivered };
  }
}

function ok(): { verdict: CompleteVerdict } {
  return { verdict: { accept: true } };
}
