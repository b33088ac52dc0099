import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressMatches, hostMatches } from '../../../../src/server/index.ts';

test('address patterns: an address, @domain with its subdomains, *', () => {
  assert.equal(addressMatches('Bob@Alpha.test', 'bob@alpha.test'), true);
  assert.equal(addressMatches('bob@alpha.test', 'rob@alpha.test'), false);
  assert.equal(addressMatches('@alpha.test', 'x@alpha.test'), true);
  assert.equal(addressMatches('@alpha.test', 'x@mail.alpha.test'), true);
  assert.equal(addressMatches('@alpha.test', 'x@notalpha.test'), false);
  assert.equal(addressMatches('*', 'anyone@anywhere.test'), true);
});

test('a trailing dot or capitals in the domain do not escape a pattern', () => {
  assert.equal(addressMatches('@alpha.test', 'x@Alpha.Test.'), true);
  assert.equal(addressMatches('@alpha.test', 'x@notalpha.test.'), false);
});

test('host patterns: a name, .domain for anything under it, *', () => {
  assert.equal(hostMatches('mt2.beta.test', 'MT2.beta.test'), true);
  assert.equal(hostMatches('.beta.test', 'mt2.beta.test'), true);
  assert.equal(hostMatches('.beta.test', 'mt2.notbeta.test'), false);
  assert.equal(hostMatches('mt2.beta.test', 'mt3.beta.test'), false);
  assert.equal(hostMatches('*', 'x.y'), true);
});
