import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageView } from '../../../src/api/index.ts';
import { forwardSeed, replySeed } from '../../../renderer/mail/compose-seed.ts';
import { parseAddressList } from '../../../renderer/mail/format.ts';

const message = (subject: string, replyTo: MessageView['replyTo'] = []): MessageView =>
  ({
    summary: {
      ref: 'acct/m1',
      from: { address: 'bob@beta.test', name: 'Bob' },
      subject,
      date: '2026-12-01T10:00:00.000Z',
    },
    replyTo,
  }) as MessageView;

test('reply: to the sender (or Reply-To), Re: once, the text quoted, threaded by ref', () => {
  const seed = replySeed(message('Lunch?'), {
    text: 'Noon?\nOr one?',
    attachments: [],
    remoteContent: { present: false, allowed: false },
  });
  assert.equal(seed.to, 'bob@beta.test');
  assert.equal(seed.subject, 'Re: Lunch?');
  assert.match(seed.text, /> Noon\?\n> Or one\?$/);
  assert.equal(seed.inReplyTo, 'acct/m1');
  assert.equal(replySeed(message('RE: Lunch?'), undefined).subject, 'RE: Lunch?');
  assert.equal(
    replySeed(message('x', [{ address: 'list@beta.test' }]), undefined).to,
    'list@beta.test',
  );
});

test('forward: nobody yet, Fwd: once, the original below a header, forwardOf set', () => {
  const seed = forwardSeed(message('Report'), {
    text: 'Numbers.',
    attachments: [],
    remoteContent: { present: false, allowed: false },
  });
  assert.equal(seed.to, '');
  assert.equal(seed.subject, 'Fwd: Report');
  assert.match(seed.text, /Forwarded message[\s\S]*From: bob@beta\.test[\s\S]*Numbers\.$/);
  assert.equal(seed.forwardOf, 'acct/m1');
});

test('address fields split on commas, semicolons and spaces', () => {
  assert.deepEqual(parseAddressList(' a@x.test, b@y.test;c@z.test  d@w.test ,'), [
    'a@x.test',
    'b@y.test',
    'c@z.test',
    'd@w.test',
  ]);
  assert.deepEqual(parseAddressList('  '), []);
});
