/** What a key press asks the mailbox to do (docs/app.md lists the keys). */
export type MailCommand =
  | 'next'
  | 'previous'
  | 'open'
  | 'reply'
  | 'replyAll'
  | 'forward'
  | 'flag'
  | 'markUnread'
  | 'delete'
  | 'restore'
  | 'retry'
  | 'compose'
  | 'search'
  | 'escape';

const MESSAGE_ACTIONS = ['flag', 'markUnread', 'delete', 'restore', 'retry'] as const;

/** The commands that change a message: its flags, where it is, or its sending. */
export type MessageAction = (typeof MESSAGE_ACTIONS)[number];

export function isMessageAction(command: MailCommand): command is MessageAction {
  return (MESSAGE_ACTIONS as readonly MailCommand[]).includes(command);
}

const KEYS: Readonly<Record<string, MailCommand>> = {
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

export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
}

/**
 * The command for a key, or undefined. While the user types in a field, only Escape
 * is a command; keys with Ctrl, Cmd or Alt belong to the browser and the system.
 */
export function commandForKey(press: KeyPress, typing: boolean): MailCommand | undefined {
  if (press.ctrlKey || press.metaKey || press.altKey) return undefined;
  const command = Object.hasOwn(KEYS, press.key) ? KEYS[press.key] : undefined;
  if (typing && command !== 'escape') return undefined;
  return command;
}
