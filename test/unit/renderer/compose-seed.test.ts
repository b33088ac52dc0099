import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageView } from '../../../src/api/index.ts';
import { forwardSeed, replySeed } from '../../../renderer/mail/compose-seed.ts';
import { attributionDate, parseAddressList } from '../../../renderer/mail/format.ts';

const DATE = '2026-12-01T10:00:00.000Z';

const message = (
  subject: string,
  replyTo: MessageView['replyTo'] = [],
  recipients: Pick<MessageView['summary'], 'to'> & Pick<MessageView, 'cc'> = {
    to: [{ address: 'alice@alpha.test' }],
    cc: [],
  },
): MessageView =>
  ({
    summary: {
      ref: 'acct/m1',
      accountId: 'acct',
      from: { address: 'bob@beta.test', name: 'Bob' },
      to: recipients.to,
      subject,
      date: DATE,
    },
    cc: recipients.cc,
    replyTo,
  }) as MessageView;

const bodyOf = (text: string) => ({
  text,
  attachments: [],
  remoteContent: { present: false, allowed: false },
});

test('reply: to the sender (or Reply-To), Re: once, the text quoted, threaded by ref', () => {
  const seed = replySeed(message('Lunch?'), bodyOf('Noon?\r\nOr one?\n\n'));
  assert.equal(seed.to, 'bob@beta.test');
  assert.equal(seed.cc, '');
  assert.equal(seed.accountId, 'acct');
  assert.equal(seed.subject, 'Re: Lunch?');
  // A reply names its author with a readable date; trailing blank lines are not quoted.
  assert.match(seed.text, /^\n\nOn (.+), Bob <bob@beta\.test> wrote:\n> Noon\?\n> Or one\?\n$/);
  assert.ok(seed.text.includes(attributionDate(DATE)));
  assert.doesNotMatch(seed.text, /T10:00/);
  assert.equal(seed.inReplyTo, 'acct/m1');
  assert.equal(replySeed(message('RE: Lunch?'), undefined).subject, 'RE: Lunch?');
  assert.equal(
    replySeed(message('x', [{ address: 'list@beta.test' }]), undefined).to,
    'list@beta.test',
  );
});

test('quoting: an empty line becomes a bare >, a quoted line gets one more >', () => {
  const seed = replySeed(message('Plan'), bodyOf('> Shall we?\n\nYes.'));
  assert.match(seed.text, /wrote:\n>> Shall we\?\n>\n> Yes\.\n$/);
});

test('reply all: the author and the other To in To, Cc in Cc, never oneself, no repeats', () => {
  const original = message('Meeting', [], {
    to: [
      { address: 'ALICE@alpha.test' },
      { address: 'carol@gamma.test' },
      { address: 'bob@beta.test' },
    ],
    cc: [
      { address: 'dave@beta.test' },
      { address: 'carol@gamma.test' },
      { address: 'alice@alpha.test' },
    ],
  });
  const seed = replySeed(original, undefined, { ownAddresses: ['alice@alpha.test'] });
  assert.equal(seed.to, 'bob@beta.test, carol@gamma.test');
  assert.equal(seed.cc, 'dave@beta.test');
  assert.equal(seed.subject, 'Re: Meeting');
  // Reply-To replaces the author, as in a plain reply.
  const viaList = replySeed(
    message('Meeting', [{ address: 'list@beta.test' }], {
      to: [{ address: 'alice@alpha.test' }],
      cc: [],
    }),
    undefined,
    { ownAddresses: ['alice@alpha.test'] },
  );
  assert.equal(viaList.to, 'list@beta.test');
});

test("reply all to one's own note to self goes back to oneself", () => {
  const note = message('Note', [], { to: [{ address: 'bob@beta.test' }], cc: [] });
  const seed = replySeed(note, undefined, { ownAddresses: ['bob@beta.test'] });
  assert.equal(seed.to, 'bob@beta.test');
  assert.equal(seed.cc, '');
});

test('forward: nobody yet, Fwd: once, the original below a header, forwardOf set', () => {
  const seed = forwardSeed(
    message('Report', [], {
      to: [{ address: 'alice@alpha.test', name: 'Alice' }],
      cc: [{ address: 'dave@beta.test' }],
    }),
    bodyOf('Numbers.\n'),
  );
  assert.equal(seed.to, '');
  assert.equal(seed.accountId, 'acct');
  assert.equal(seed.subject, 'Fwd: Report');
  assert.equal(
    seed.text,
    [
      '',
      '',
      '---------- Forwarded message ----------',
      'From: Bob <bob@beta.test>',
      `Date: ${attributionDate(DATE)}`,
      'Subject: Report',
      'To: Alice <alice@alpha.test>',
      'Cc: dave@beta.test',
      '',
      'Numbers.',
    ].join('\n'),
  );
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
