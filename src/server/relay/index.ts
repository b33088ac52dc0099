export { SYSTEM_CLOCK, type RelayClock } from './clock.ts';
export {
  DEFAULT_RETRY_POLICY,
  resolveRetryPolicy,
  retryDelayMs,
  type RetryPolicy,
} from './retry-policy.ts';
export {
  DomainScheduler,
  type DomainSchedulerOptions,
  type DomainState,
  type DomainStatus,
  type RunOutcome,
} from './domain-scheduler.ts';
export { RELAY_ERROR_CODES, RelayError, type RelayErrorCode } from './errors.ts';
export { classifyFailure, type DeliveryFailure } from './delivery-failure.ts';
export { dnsAddressLookup, systemAddressLookup, type AddressLookup } from './address-lookup.ts';
export {
  openHostSession,
  type HostIdentity,
  type HostSession,
  type HostSessionOptions,
} from './host-session.ts';
export { SessionPool, type SessionPoolOptions } from './session-pool.ts';
export {
  RELAY_MAILBOX_PREFIX,
  domainOfRelayMailbox,
  liveEntries,
  relayMailbox,
  type OutgoingMessage,
} from './relay-queue.ts';
export {
  sendErrorReport,
  type ErrorReportSenderOptions,
  type ReportOutcome,
} from './error-report-sender.ts';
export { SILENT_RELAY_LOG, type RelayLog, type RelayLogFields } from './relay-log.ts';
export {
  DEFAULT_RELAY_LIMITS,
  resolveRelayLimits,
  type RelayLimits,
  type RelayOptions,
  type RouteSource,
} from './relay-options.ts';
export { Relay } from './relay.ts';
