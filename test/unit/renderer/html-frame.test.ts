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
