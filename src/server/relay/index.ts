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
