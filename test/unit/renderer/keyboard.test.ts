import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandForKey } from '../../../renderer/mail/keyboard.ts';

const key = (
  name: string,
  modifiers: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {},
) => ({
  key: name,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...modifiers,
});

test('each documented key maps to its command', () => {
  const expected: Record<string, string> = {
    j: 'next',
    ArrowDown: 'next',
    k: 'previous',
    ArrowUp: 'previous',
    Enter: 'open',
    r: 'reply',
    a: 'replyAll',
    f: 'forward',
    s: 'flag',
    u: 'markUnread',
    '#': 'delete',
    Delete: 'delete',
    c: 'compose',
    '/': 'search',
    Escape: 'escape',
  };
  for (const [name, command] of Object.entries(expected))
    assert.equal(commandForKey(key(name), false), command, name);
});

test('while typing, only Escape is a command', () => {
  for (const name of ['j', 'k', 'r', 'a', 'f', 's', 'u', '#', 'Delete', 'c', '/', 'Enter'])
    assert.equal(commandForKey(key(name), true), undefined, name);
  assert.equal(commandForKey(key('Escape'), true), 'escape');
});

test('keys with Ctrl, Cmd or Alt and unknown keys are left alone', () => {
  assert.equal(commandForKey(key('r', { ctrlKey: true }), false), undefined);
  assert.equal(commandForKey(key('c', { metaKey: true }), false), undefined);
  assert.equal(commandForKey(key('f', { altKey: true }), false), undefined);
  for (const name of ['x', 'R', 'constructor', '__proto__', 'toString'])
    assert.equal(commandForKey(key(name), false), undefined, name);
});
