import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mailSrcdoc } from '../../../renderer/mail/html-frame.ts';

function policyOf(srcdoc: string): Map<string, string> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(srcdoc)?.[1];
  assert.ok(content !== undefined, 'the srcdoc carries its own CSP');
  return new Map(
    content.split('; ').map((directive) => {
      const [name = '', ...values] = directive.split(' ');
      return [name, values.join(' ')];
    }),
  );
}

test('the mail frame allows no scripts, connections, forms or remote images by default', () => {
  const policy = policyOf(mailSrcdoc('<p>hi <img src="https://tracker.test/x.png"></p>', false));
  assert.equal(policy.get('default-src'), "'none'");
  assert.equal(policy.get('img-src'), 'data:');
  assert.equal(policy.get('font-src'), 'data:');
  assert.equal(policy.get('form-action'), "'none'");
  assert.equal(policy.has('script-src'), false, 'falls back to none');
  assert.equal(policy.has('connect-src'), false, 'falls back to none');
});

test('allowing remote content adds https: images and fonts, nothing else', () => {
  const policy = policyOf(mailSrcdoc('<p>hi</p>', true));
  assert.equal(policy.get('img-src'), 'data: https:');
  assert.equal(policy.get('font-src'), 'data: https:');
  assert.equal(policy.get('default-src'), "'none'");
  assert.equal(policy.has('script-src'), false);
});

test('the CSP comes before the mail, so mail cannot add a laxer policy first', () => {
  const html = '<meta http-equiv="Content-Security-Policy" content="default-src *"><p>x</p>';
  const srcdoc = mailSrcdoc(html, false);
  assert.ok(srcdoc.indexOf("default-src 'none'") < srcdoc.indexOf('default-src *'));
});

test('blocked, the document holds no remote source at all; allowed, the mail is unchanged', () => {
  const html =
    '<img src="https://t.test/a.png"><img SRC = \'//t.test/b.png\'><img srcset="http://t.test/c.png 2x">' +
    '<table background="https://t.test/d.png"><video poster="https://t.test/e.png"></video>' +
    '<img src="data:image/png;base64,AAAA"><a href="https://example.test/">link</a>';
  const blocked = mailSrcdoc(html, false);
  assert.doesNotMatch(blocked, /\s(src|srcset|background|poster)\s*=\s*["']?\s*(https?:|\/\/)/i);
  assert.match(blocked, /<img src="data:image\/png;base64,AAAA">/, 'inline images stay');
  assert.match(blocked, /<a href="https:\/\/example.test\/">/, 'links stay');
  assert.ok(mailSrcdoc(html, true).includes(html));
});
