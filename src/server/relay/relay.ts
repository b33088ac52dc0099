import { Mt2Error, RESULT } from '../../protocol/index.ts';
import { normalizeDomain } from '../routing/index.ts';
import type { MailboxEntry } from '../store/index.ts';
import { systemAddressLookup } from './address-lookup.ts';
import { SYSTEM_CLOCK, type RelayClock } from './clock.ts';
import { classifyFailure, type DeliveryFailure } from './delivery-failure.ts';
import { DomainScheduler, type DomainState, type RunOutcome } from './domain-scheduler.ts';
import { sendErrorReport } from './error-report-sender.ts';
import { openHostSession, type HostSession } from './host-session.ts';
import { resolveRelayLimits, type RelayLimits, type RelayOptions } from './relay-options.ts';
import { SILENT_RELAY_LOG, type RelayLog } from './relay-log.ts';
import {
  domainOfRelayMailbox,
  queuedMessages,
  readOutgoing,
  readQueuedEnvelope,
  recipientsIn,
  relayMailbox,
} from './relay-queue.ts';
import { resolveRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import { SessionPool } from './session-pool.ts';
import { transferOutgoing, type TransferOutcome } from './transfer-message.ts';

/** One queued message and what became of it in a run. */
interface Attempt {
  readonly entry: MailboxEntry;
  readonly outcome: TransferOutcome;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * mt2d's relay to other domains (issue 5). mt2d queues each accepted message for a
 * remote domain in the store mailbox `relay:<domain>` (with this hop's trace entry) and
 * calls {@link onRelayQueued}; the relay then, per domain: finds the routes (static,
 * then DNS SRV), opens a host session with the host identity (kept open between batches
 * for trusted peers), sends each message as stored and expunges it after the peer's
 * final OK. Transient failures leave the message queued and retry the domain with
 * exponential backoff and jitter; permanent ones (and messages older than the retry
 * policy's maxAgeMs) send a signed error report to the sender and leave the queue.
 * Everything queued is in the store, so nothing is lost across a restart; retry counts
 * start over.
 */
export class Relay {
  readonly #options: RelayOptions;
  readonly #limits: RelayLimits;
  readonly #policy: RetryPolicy;
  readonly #clock: RelayClock;
  readonly #log: RelayLog;
  readonly #scheduler: DomainScheduler;
  readonly #pool: SessionPool;

  /** @throws RelayError RELAY_BAD_OPTION, RangeError for a bad retry policy */
  constructor(options: RelayOptions) {
    this.#options = options;
    this.#limits = resolveRelayLimits(options.limits);
    this.#policy = resolveRetryPolicy(options.retry);
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#log = options.log ?? SILENT_RELAY_LOG;
    this.#pool = new SessionPool({
      clock: this.#clock,
      idleTimeoutMs: this.#limits.keptSessionIdleMs,
      maxSessions: this.#limits.maxKeptSessions,
    });
    this.#scheduler = new DomainScheduler({
      clock: this.#clock,
      policy: this.#policy,
      random: options.random ?? Math.random,
      maxConcurrentDomains: this.#limits.maxConcurrentDomains,
      run: (domain) => this.#run(domain),
      onRetry: (domain, failures, delayMs) => {
        this.#log.event('relay.retry-scheduled', { domain, failures, delayMs });
      },
      onRunError: (domain, error) => {
        this.#log.event('relay.run-failed', { domain, error: String(error) });
      },
    });
  }

  /** Looks at every queue in the store and starts on those with messages (at startup). */
  start(): void {
    const domains = this.#options.store
      .mailboxNames()
      .map(domainOfRelayMailbox)
      .filter((domain): domain is string => domain !== undefined)
      .filter((domain) => queuedMessages(this.#options.store, domain, 1).length > 0);
    this.#log.event('relay.started', { domains: domains.length });
    for (const domain of domains) this.#scheduler.notify(domain);
  }

  /** mt2d's hook: a message was queued in `relay:<domain>`. */
  onRelayQueued(domain: string): void {
    this.#scheduler.notify(normalizeDomain(domain));
  }

  /** Where `domain` stands (status, failures in a row, next retry). */
  state(domain: string): DomainState {
    return this.#scheduler.state(normalizeDomain(domain));
  }

  /** Resolves once no domain is being worked on or waiting for a free slot. */
  whenSettled(): Promise<void> {
    return this.#scheduler.whenSettled();
  }

  /** Stops: no new runs, retries cancelled, running batches finished, kept sessions closed. */
  async close(): Promise<void> {
    await this.#scheduler.close();
    await this.#pool.closeAll();
    this.#log.event('relay.stopped');
  }

  async #run(domain: string): Promise<RunOutcome> {
    const batch = queuedMessages(this.#options.store, domain, this.#limits.maxMessagesPerBatch);
    if (batch.length === 0) return 'done';
    const attempts = await this.#attempt(domain, batch);
    const settled = await Promise.all(attempts.map((attempt) => this.#settle(domain, attempt)));
    if (settled.includes(false)) return 'retry';
    return batch.length >= this.#limits.maxMessagesPerBatch ? 'more' : 'done';
  }

  /** Sends a batch on the kept session, or on a new one if there is none or it had died. */
  async #attempt(domain: string, batch: readonly MailboxEntry[]): Promise<Attempt[]> {
    const kept = this.#pool.take(domain);
    if (kept !== undefined) {
      const attempts = await this.#sendAll(kept, domain, batch);
      if (kept.isOpen() || !attempts.every(isTransientFailure)) return this.#done(kept, attempts);
      // It had died unnoticed (the peer's idle timeout, say): once more on a new session.
      this.#log.event('relay.kept-session-lost', { domain, peer: kept.peerHost });
      kept.destroy();
    }
    let session: HostSession;
    try {
      session = await this.#connect(domain);
    } catch (error) {
      const failure = classifyFailure(error);
      return batch.map((entry) => ({ entry, outcome: { delivered: false, failure } }));
    }
    return this.#done(session, await this.#sendAll(session, domain, batch));
  }

  /** After a batch: the session is kept for the next one, or closed. */
  async #done(session: HostSession, attempts: Attempt[]): Promise<Attempt[]> {
    // A session remembers the msg-ids it refused and refuses them again (docs/protocol.md,
    // XFER), so a message the peer deferred is retried on a new session.
    if (!session.isOpen()) session.destroy();
    else if (attempts.some(isTransientFailure)) await session.quit();
    else await this.#pool.release(session);
    return attempts;
  }

  /** Tries the domain's routes in order (priority and weight already applied). */
  async #connect(domain: string): Promise<HostSession> {
    const routes = await this.#options.routing.routesFor(domain);
    let lastError: unknown = new Mt2Error('TLS_FAILED', `no route to ${domain} could be tried`);
    for (const route of routes) {
      try {
        const session = await openHostSession(domain, route, {
          identity: this.#options.host,
          validator: this.#options.validator,
          lookup: this.#options.lookup ?? systemAddressLookup,
          connectTimeoutMs: this.#limits.connectTimeoutMs,
          ...(this.#options.protocolLimits === undefined
            ? {}
            : { limits: this.#options.protocolLimits }),
        });
        this.#log.event('relay.connected', {
          domain,
          host: route.host,
          port: route.port,
          peer: session.peerHost,
          trusted: session.trusted,
          pipelined: session.pipelined,
        });
        return session;
      } catch (error) {
        lastError = error;
        const failure = classifyFailure(error);
        this.#log.event('relay.route-failed', {
          domain,
          host: route.host,
          port: route.port,
          code: failure.code,
          error: failure.text,
        });
      }
    }
    throw lastError;
  }

  /** Sends the batch: one message at a time, or several at once when pipelined. */
  async #sendAll(
    session: HostSession,
    domain: string,
    batch: readonly MailboxEntry[],
  ): Promise<Attempt[]> {
    const parallel = session.pipelined
      ? Math.max(1, Math.min(this.#limits.maxParallelTransfers, session.maxInFlight - 1))
      : 1;
    const attempts: Attempt[] = [];
    let next = 0;
    const worker = async () => {
      for (let entry = batch[next++]; entry !== undefined; entry = batch[next++]) {
        attempts.push({ entry, outcome: await this.#sendOne(session, domain, entry) });
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    return attempts;
  }

  async #sendOne(
    session: HostSession,
    domain: string,
    entry: MailboxEntry,
  ): Promise<TransferOutcome> {
    if (!session.isOpen()) {
      const failure = classifyFailure(new Mt2Error('SESSION_CLOSED', 'the host session closed'));
      return { delivered: false, failure };
    }
    try {
      const outgoing = await readOutgoing(this.#options.store, entry, domain);
      return await transferOutgoing(session.session, entry.msgId, outgoing.parts);
    } catch (error) {
      return { delivered: false, failure: classifyFailure(error) };
    }
  }

  /**
   * Acts on one message's outcome. Returns true when it left the queue (delivered, or
   * failed for good and reported), false when it stays for a retry.
   */
  async #settle(domain: string, { entry, outcome }: Attempt): Promise<boolean> {
    const fields = { domain, msgId: entry.msgId };
    if (outcome.delivered) {
      await this.#options.store.expunge(relayMailbox(domain), entry.uid);
      this.#log.event('relay.delivered', { ...fields, duplicate: outcome.duplicate });
      return true;
    }
    let failure = outcome.failure;
    if (!failure.permanent) {
      const ageMs = this.#clock.now() - entry.arrivedAt.getTime();
      if (ageMs < this.#policy.maxAgeMs) {
        this.#log.event('relay.deferred', { ...fields, code: failure.code, error: failure.text });
        return false;
      }
      // Not a RelayError thrown anywhere: the stable prefix of the report's text.
      failure = {
        permanent: true,
        code: RESULT.FAILED,
        text: `RELAY_MAX_AGE_EXCEEDED: not delivered in ${Math.round(ageMs / HOUR_MS)} h; last error: ${failure.text}`,
      };
    }
    if (!(await this.#report(domain, entry, failure))) return false;
    await this.#options.store.expunge(relayMailbox(domain), entry.uid);
    return true;
  }

  /** Sends the error report; false when it could not be stored (the message then stays). */
  async #report(domain: string, entry: MailboxEntry, failure: DeliveryFailure): Promise<boolean> {
    const fields = { domain, msgId: entry.msgId, code: failure.code, error: failure.text };
    let envelope;
    try {
      envelope = (await readQueuedEnvelope(this.#options.store, entry)).envelope;
    } catch (error) {
      this.#log.event('relay.failed', { ...fields, report: 'none', why: String(error) });
      return true; // nobody to tell: the message itself is unreadable
    }
    const at = new Date(this.#clock.now());
    const results = recipientsIn(envelope, domain).map((recipient) => ({
      recipient,
      code: failure.code,
      text: failure.text,
    }));
    try {
      const report = await sendErrorReport(envelope, results, at, {
        store: this.#options.store,
        process: this.#options.process,
        host: this.#options.host,
        localMailbox: this.#options.localMailbox,
        onRelayQueued: (to) => {
          this.onRelayQueued(to);
        },
      });
      if (report.sent) {
        this.#log.event('relay.failed', { ...fields, report: report.reportId, to: report.mailbox });
      } else {
        this.#log.event('relay.failed', { ...fields, report: 'none', why: report.reason });
      }
      return true;
    } catch (error) {
      this.#log.event('relay.report-failed', { ...fields, why: String(error) });
      return false;
    }
  }
}

function isTransientFailure(attempt: Attempt): boolean {
  return !attempt.outcome.delivered && !attempt.outcome.failure.permanent;
}
