// Validation of outbox items, updates and filters.
import { MAX_ID_CHARS, MAX_JSON_CHARS } from './limits.ts';
import type { OutboxColumns } from './queries/outbox.ts';
import type { OutboxFilter, OutboxItemInput, OutboxState, OutboxUpdate } from './types.ts';
import {
  checkCount,
  checkDate,
  checkId,
  checkJson,
  checkObject,
  checkOneOf,
  checkText,
} from './validate.ts';

const OUTBOX_STATES: readonly OutboxState[] = ['queued', 'sending', 'sent', 'failed'];

export function checkOutboxItemInput(value: OutboxItemInput, nowMs: number) {
  const item = checkObject('item', value);
  return {
    accountId: checkId('item.accountId', item['accountId']),
    draftJson: checkJson('item.draftJson', item['draftJson'], MAX_JSON_CHARS),
    nextAttemptAtMs:
      item['nextAttemptAt'] === undefined
        ? nowMs
        : checkDate('item.nextAttemptAt', item['nextAttemptAt']),
  };
}

export function checkOutboxFilter(value: OutboxFilter): OutboxFilter {
  const filter = checkObject('filter', value);
  return {
    ...(filter['accountId'] === undefined
      ? {}
      : { accountId: checkId('filter.accountId', filter['accountId']) }),
    ...(filter['state'] === undefined
      ? {}
      : { state: checkOneOf('filter.state', filter['state'], OUTBOX_STATES) }),
  };
}

/** The columns an update sets; fields not given are left out, `null` clears. */
export function checkOutboxUpdate(value: OutboxUpdate): OutboxColumns {
  const update = checkObject('update', value);
  const given = (name: string) => update[name] !== undefined;
  const nullableText = (name: string, maxChars: number) =>
    update[name] === null ? null : checkText(`update.${name}`, update[name], maxChars);
  const nullableJson = (name: string) =>
    update[name] === null ? null : checkJson(`update.${name}`, update[name], MAX_JSON_CHARS);
  return {
    ...(given('state')
      ? { state: checkOneOf('update.state', update['state'], OUTBOX_STATES) }
      : {}),
    ...(given('attempts') ? { attempts: checkCount('update.attempts', update['attempts']) } : {}),
    ...(given('nextAttemptAt')
      ? { next_attempt_at: checkDate('update.nextAttemptAt', update['nextAttemptAt']) }
      : {}),
    ...(given('lastError') ? { last_error: nullableText('lastError', MAX_JSON_CHARS) } : {}),
    ...(given('errorReportJson') ? { error_report: nullableJson('errorReportJson') } : {}),
    ...(given('msgId') ? { msg_id: nullableText('msgId', MAX_ID_CHARS) } : {}),
    ...(given('draftJson')
      ? { draft: checkJson('update.draftJson', update['draftJson'], MAX_JSON_CHARS) }
      : {}),
  };
}
