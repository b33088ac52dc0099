import type { SpentStampStore } from '../../extensions/index.ts';
import { encryptedPartsOf, type EncryptablePart } from '../../identity/index.ts';
import {
  MessageError,
  appendTraceEntryXml,
  decodeEnvelope,
  decodeHeaders,
  encodeEnvelope,
  type Mt2Envelope,
} from '../../message/index.ts';
import { RESULT, type CompleteVerdict, type FragmentInfo } from '../../protocol/index.ts';
import {
  StoreError,
  type IncomingMessage,
  type MessageStore,
  type PartType,
} from '../store/index.ts';
import { STORE_PART } from '../mailbox/part-names.ts';
import { relayMailbox } from '../relay/index.ts';
import type { SessionPeer } from './admission.ts';
import { checkEnvelope, type AcceptedEnvelope, type EnvelopeContext } from './envelope-policy.ts';
import { contentProblem, subjectProblem } from './content-policy.ts';
import { mimeSyntaxProblem } from './mime-syntax.ts';
import { refusal, type Refusal } from './refusal.ts';

/** What a message's intake needs of the server. */
export interface IntakeContext extends EnvelopeContext {
  readonly store: MessageStore;
  readonly stamps: SpentStampStore;
  /** Appends this host's signed trace entry (appendTrace with the host credentials). */
  appendTrace(envelope: Mt2Envelope, at: Date): Mt2Envelope | Promise<Mt2Envelope>;
}

/** A fragment's answer, and for the one that commits, what the message became. */
export interface Completion {
  readonly verdict: CompleteVerdict;
  readonly delivered?: Delivered;
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
  #queue: Promise<void> = Promise.resolve();
  #discarded = false;
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

  /**
   * The fragment's data is complete: store or check it; the answer for its OK or ERR.
   * Its data is taken at once (the next fragment's may follow). Fragments of a message
   * start in order, each once the one before has been handed to the store, but their
   * fsyncs overlap, with each other and with other messages' (one group commit); each
   * answer waits for its own fragment to be durable, the last one for the commit.
   */
  complete(fragment: FragmentInfo): Promise<Completion> {
    const data = concat(this.#fragment);
    this.#fragment = [];
    const started = this.#queue.then(() =>
      this.#discarded ? refused() : this.#start(fragment, data),
    );
    this.#queue = started.then(
      () => undefined,
      () => undefined,
    );
    return started.then((step) => step.done);
  }

  /** Starts a fragment's work; `done` resolves with its answer. */
  async #start(fragment: FragmentInfo, data: Uint8Array): Promise<Step> {
    const part = STORE_PART[fragment.part];
    if (part === 'envelope') {
      this.#envelopeChunks.push(data);
      if (fragment.pending > 0) return answered(OK);
      return this.#onEnvelope(concat(this.#envelopeChunks));
    }
    const phase = this.#phase;
    if (phase.kind === 'duplicate') {
      return { done: fragment.lastOfMessage ? this.#deliveredDuplicate() : Promise.resolve(OK) };
    }
    if (phase.kind !== 'accepted')
      return answered({ verdict: refusal(RESULT.PART_OUT_OF_ORDER, '') });
    const durable = this.#write(phase.incoming, part, data);
    const problem = await this.#check(part, data, fragment.pending, phase.encrypted);
    if (problem !== undefined) return answered({ verdict: problem });
    if (!fragment.lastOfMessage) return { done: durable.then(() => OK) };
    // The commit's own fsync makes the fragments still on their way durable with it.
    return { done: this.#commit(phase) };
  }

  /** Hands a fragment to the store; the promise resolves once it is durable. */
  #write(incoming: IncomingMessage, part: PartType, data: Uint8Array): Promise<void> {
    const durable = incoming.appendFragment(part, data);
    // Observed here too, so a write whose answer nobody awaits (a refused message, the
    // last fragment, answered by the commit) is not an unhandled rejection.
    durable.catch(() => undefined);
    return durable;
  }

  /** Nothing of the message will be committed (fragments still queued are refused). */
  discard(): void {
    this.#discarded = true;
    if (this.#phase.kind === 'accepted') this.#phase.incoming.discard();
    this.#fragment = [];
  }

  async #onEnvelope(bytes: Uint8Array): Promise<Step> {
    this.#envelopeChunks = [];
    let envelope: Mt2Envelope;
    try {
      envelope = decodeEnvelope(bytes);
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
      return answered({
        verdict: refusal(RESULT.ENVELOPE_MALFORMED, `${error.code}: ${error.message}`),
      });
    }
    if (this.#phase.kind === 'duplicate') {
      return { done: envelope.control ? this.#deliveredDuplicate() : Promise.resolve(OK) };
    }
    const at = new Date();
    const route = await checkEnvelope(envelope, this.msgId, this.peer, this.context, at);
    if (!route.accept) return answered({ verdict: route });
    for (const stamp of route.stamps) {
      if (!(await this.context.stamps.spend(stamp.text, stamp.expiresAt))) {
        return answered({ verdict: refusal(RESULT.POSTAGE_INVALID, 'HASHCASH_DOUBLE_SPENT') });
      }
    }
    const traced = await this.context.appendTrace(envelope, at);
    let incoming: IncomingMessage;
    try {
      incoming = this.context.store.begin(this.msgId);
    } catch (error) {
      if (error instanceof StoreError && error.code === 'STORE_DUPLICATE_MESSAGE') {
        this.#phase = { kind: 'duplicate' };
        return { done: envelope.control ? this.#deliveredDuplicate() : Promise.resolve(OK) };
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
    const durable = this.#write(incoming, 'envelope', tracedEnvelopeXml(bytes, envelope, traced));
    return {
      done: durable.then((): Completion | Promise<Completion> =>
        envelope.control ? this.#commit(phase) : OK,
      ),
    };
  }

  /**
   * Headers must decode and their Subject pass, bodies be MIME and their text pass, when
   * in the clear and (bodies) within the check size.
   */
  #check(
    part: 'headers' | 'body',
    data: Uint8Array,
    pending: number,
    encrypted: ReadonlySet<EncryptablePart>,
  ): Refusal | undefined | Promise<Refusal | undefined> {
    const { limits, filters } = this.context.config;
    if (encrypted.has(part)) return undefined;
    if (part === 'headers') {
      this.#checked.headers.push(data);
      if (pending > 0) return undefined;
      try {
        return subjectProblem(decodeHeaders(concat(this.#checked.headers)), filters);
      } catch (error) {
        if (!(error instanceof MessageError)) throw error;
        return refusal(RESULT.HEADERS_MALFORMED, `${error.code}: ${error.message}`);
      } finally {
        this.#checked.headers = [];
      }
    }
    if (!filters.checkMime && filters.blockedContent.length === 0) return undefined;
    this.#checked.bodyBytes += data.length;
    if (this.#checked.bodyBytes > limits.mimeCheckMaxBytes) {
      this.#checked.body = [];
      return undefined;
    }
    this.#checked.body.push(data);
    if (pending > 0) return undefined;
    const body = concat(this.#checked.body);
    const problem = filters.checkMime ? mimeSyntaxProblem(body) : undefined;
    if (problem !== undefined) return refusal(RESULT.MIME_SYNTAX_ERROR, problem);
    return contentProblem(body, filters);
  }

  async #commit(phase: Extract<Phase, { kind: 'accepted' }>): Promise<Completion> {
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
      duplicate: false,
    };
    return { verdict: { accept: true, committed: true } as const, delivered };
  }

  /** The stored copy answers the retry: its trace is the one reported. */
  async #deliveredDuplicate(): Promise<Completion> {
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

/**
 * The envelope to store: the client's document with the trace entry spliced in (it was
 * decoded and checked already; decoding and encoding it whole again costs more than the
 * rest of its intake), or the traced envelope encoded when the splice does not apply.
 */
function tracedEnvelopeXml(received: Uint8Array, envelope: Mt2Envelope, traced: Mt2Envelope) {
  const added = traced.trace.length === envelope.trace.length + 1 ? traced.trace.at(-1) : undefined;
  const spliced = added === undefined ? undefined : appendTraceEntryXml(received, added);
  return spliced ?? encodeEnvelope(traced);
}

/** A fragment's work once started: its answer comes when `done` resolves. */
interface Step {
  readonly done: Promise<Completion>;
}

const OK: Completion = { verdict: { accept: true } };

function answered(completion: Completion): Step {
  return { done: Promise.resolve(completion) };
}

function refused(): Step {
  return answered({ verdict: refusal(RESULT.TRANSFER_REFUSED, 'message already refused') });
}
