import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_ERROR, ApiError, validateCall } from '../../../src/api/index.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof ApiError ? error.code : 'not an ApiError';
  }
  return undefined;
}

describe('validateCall', () => {
  it('passes a well-formed call through with its parsed params', () => {
    const call = validateCall('listMessages', { folder: 'inbox', limit: 50 });
    assert.equal(call.method, 'listMessages');
    assert.deepEqual(call.params, { folder: 'inbox', limit: 50 });
  });

  it('refuses a method that is not in the API, including inherited names', () => {
    assert.equal(
      codeOf(() => validateCall('constructor', {})),
      API_ERROR.UNKNOWN_METHOD,
    );
    assert.equal(
      codeOf(() => validateCall('__proto__', {})),
      API_ERROR.UNKNOWN_METHOD,
    );
    assert.equal(
      codeOf(() => validateCall(42, {})),
      API_ERROR.UNKNOWN_METHOD,
    );
  });

  it('refuses unknown keys, wrong types and out-of-range values, naming the field', () => {
    assert.equal(
      codeOf(() => validateCall('status', { extra: 1 })),
      API_ERROR.INVALID_PARAMS,
    );
    assert.equal(
      codeOf(() => validateCall('listMessages', { folder: 'inbox', limit: 100000 })),
      API_ERROR.INVALID_PARAMS,
    );
    assert.throws(
      () => validateCall('setFlags', { refs: [], seen: true }),
      (error: unknown) => error instanceof ApiError && error.message.includes('refs'),
    );
    assert.equal(
      codeOf(() => validateCall('certificateDetails', { fingerprint: 'not-hex' })),
      API_ERROR.INVALID_PARAMS,
    );
  });

  it('refuses attachment data that is not base64', () => {
    const draft = {
      accountId: 'a',
      to: ['bob@beta.test'],
      cc: [],
      subject: 's',
      text: 't',
      attachments: [{ filename: 'x', contentType: 'text/plain', data: '***' }],
      sign: true,
      encrypt: false,
      requestReadNotification: false,
    };
    assert.equal(
      codeOf(() => validateCall('send', draft)),
      API_ERROR.INVALID_PARAMS,
    );
    const ok = { ...draft, attachments: [{ ...draft.attachments[0], data: 'aGVsbG8=' }] };
    assert.equal(validateCall('send', ok).method, 'send');
  });
});
