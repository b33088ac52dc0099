import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildErrorReport,
  MessageSecurityError,
  signMessage,
  verifyErrorReport,
  type MessageVerification,
} from '../../../../src/identity/index.ts';
import type { ErrorReportResult } from '../../../../src/message/index.ts';
import { aliceToBob, messagePki, roundTrip } from './fixtures.ts';

const codes = (verification: MessageVerification) => verification.failures.map((item) => item.code);
const FAILURES: readonly ErrorReportResult[] = [
  { recipient: 'bob@example.com', code: '99.0.5.1', text: 'No such mailbox.' },
];

async function report() {
  const { alice, process } = await messagePki();
  const original = roundTrip(signMessage(aliceToBob(), alice));
  return roundTrip(buildErrorReport(original, FAILURES, process, new Date()));
}

describe('buildErrorReport and verifyErrorReport', () => {
  test('a control message from process@domain to the original sender, with the data, that verifies', async () => {
    const { validator, process } = await messagePki();
    const envelope = await report();
    assert.equal(envelope.control, true);
    assert.equal(envelope.sender, 'process@example.com');
    assert.deepEqual(envelope.recipients, ['alice@example.com']);
    assert.match(envelope.messageId, /^report-[0-9a-f]{32}@example\.com$/);
    assert.deepEqual(envelope.errorReport, { messageId: 'm1@example.com', results: FAILURES });
    assert.ok(envelope.certificate !== undefined);
    assert.ok(Buffer.from(envelope.certificate).equals(process.certificate.raw));
    const result = await verifyErrorReport(envelope, validator, new Date());
    assert.deepEqual(codes(result), []);
    assert.equal(result.checks.errorReport, 'passed');
    assert.equal(result.checks.headers, 'not-checked');
  });

  test('an altered result: ERROR_REPORT_DIGEST_MISMATCH', async () => {
    const { validator } = await messagePki();
    const envelope = await report();
    const altered = {
      ...envelope,
      errorReport: {
        messageId: 'm1@example.com',
        results: [{ recipient: 'carol@example.com', code: '99.0.5.1', text: 'No such mailbox.' }],
      },
    };
    const result = await verifyErrorReport(altered, validator, new Date());
    assert.deepEqual(codes(result), ['ERROR_REPORT_DIGEST_MISMATCH']);
  });

  test('a report claimed by another sender: SENDER_NOT_BOUND', async () => {
    const { validator } = await messagePki();
    const envelope = { ...(await report()), sender: 'postmaster@example.com' };
    const result = await verifyErrorReport(envelope, validator, new Date());
    assert.deepEqual(codes(result), ['SENDER_NOT_BOUND']);
  });

  test('an ordinary message or an unsigned control message is no error report', async () => {
    const { validator, alice } = await messagePki();
    const ordinary = signMessage(aliceToBob(), alice);
    const result = await verifyErrorReport(ordinary, validator, new Date());
    assert.equal(result.valid, false);
    assert.equal(codes(result)[0], 'NOT_AN_ERROR_REPORT');
    const { signature: _signature, ...unsigned } = await report();
    assert.deepEqual(codes(await verifyErrorReport(unsigned, validator, new Date())), [
      'SIGNATURE_MISSING',
    ]);
  });

  test('no report on the null sender, on a control message, or without failures', async () => {
    const { process } = await messagePki();
    const isWrongKind = (error: unknown) =>
      error instanceof MessageSecurityError && error.code === 'MSGSEC_WRONG_MESSAGE_KIND';
    const original = aliceToBob().envelope;
    const aReport = await report();
    assert.throws(
      () => buildErrorReport({ ...original, sender: '' }, FAILURES, process, new Date()),
      isWrongKind,
    );
    assert.throws(() => buildErrorReport(aReport, FAILURES, process, new Date()), isWrongKind);
    assert.throws(() => buildErrorReport(original, [], process, new Date()), isWrongKind);
  });

  test('a host certificate, which names no address, cannot sign a report', async () => {
    const { host } = await messagePki();
    assert.throws(
      () => buildErrorReport(aliceToBob().envelope, FAILURES, host, new Date()),
      (error) => error instanceof MessageSecurityError && error.code === 'MSGSEC_NOT_CERTIFIED',
    );
  });
});
