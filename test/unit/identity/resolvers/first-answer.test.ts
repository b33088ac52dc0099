import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FirstAnswerResolver,
  ResolverError,
  type CaResolver,
  type ResolvedCa,
} from '../../../../src/identity/index.ts';

const found = (origin: string): ResolvedCa => ({ der: new Uint8Array([1, 2, 3]), origin });

/** A resolver with a fixed answer (or failure) that counts its calls. */
function fixed(
  name: string,
  answer: readonly ResolvedCa[] | Error,
): CaResolver & { calls: number } {
  return {
    name,
    calls: 0,
    resolve() {
      this.calls += 1;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
}

describe('FirstAnswerResolver', () => {
  test('the first resolver that finds certificates answers; later ones are not asked', async () => {
    const none = fixed('file', []);
    const dns = fixed('dns', [found('dns:1')]);
    const ldap = fixed('ldap', [found('ldap:1')]);
    const resolver = new FirstAnswerResolver([none, dns, ldap]);
    assert.equal(resolver.name, 'file+dns+ldap');
    assert.deepEqual(
      (await resolver.resolve('beta.test')).map((ca) => ca.origin),
      ['dns:1'],
    );
    assert.deepEqual([none.calls, dns.calls, ldap.calls], [1, 1, 0]);
  });

  test('a failing resolver does not stop the next one', async () => {
    const failing = fixed('dns', new ResolverError('RESOLVER_UNREACHABLE', 'no answer'));
    const resolver = new FirstAnswerResolver([failing, fixed('ldap', [found('ldap:1')])]);
    assert.deepEqual(
      (await resolver.resolve('beta.test')).map((ca) => ca.origin),
      ['ldap:1'],
    );
  });

  test('nothing found: the first failure is the answer, or none when nobody failed', async () => {
    const first = new ResolverError('RESOLVER_UNREACHABLE', 'first');
    const failing = new FirstAnswerResolver([
      fixed('file', []),
      fixed('dns', first),
      fixed('ldap', new Error('second')),
    ]);
    await assert.rejects(failing.resolve('beta.test'), (error) => error === first);
    const empty = new FirstAnswerResolver([fixed('file', []), fixed('dns', [])]);
    assert.deepEqual(await empty.resolve('beta.test'), []);
  });
});
