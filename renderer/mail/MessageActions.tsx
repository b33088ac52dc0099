import type { FolderId, MessageSummaryView } from '../../src/api/index.ts';
import type { MailCommand } from './keyboard.ts';

interface MessageActionsProps {
  /** The opened message as the list shows it now (its flags follow the list). */
  readonly message: MessageSummaryView;
  readonly onCommand: (command: MailCommand, message: MessageSummaryView) => void;
}

/** What deleting does, where it is not just moving to the trash. */
const DELETE_LABEL: Readonly<Partial<Record<FolderId, string>>> = {
  trash: 'Delete permanently',
  outbox: 'Cancel sending',
};

/** What can be done with the opened message; each has its key (docs/app.md). */
export function MessageActions({ message, onCommand }: MessageActionsProps) {
  const button = (command: MailCommand, label: string, extra: { pressed?: boolean } = {}) => (
    <button
      type="button"
      aria-pressed={extra.pressed}
      onClick={() => {
        onCommand(command, message);
      }}
    >
      {label}
    </button>
  );
  return (
    <div role="toolbar" aria-label="Message actions" className="message-actions">
      {button('reply', 'Reply')}
      {button('replyAll', 'Reply all')}
      {button('forward', 'Forward')}
      {button('flag', 'Flag', { pressed: message.flagged })}
      {message.unread ? null : button('markUnread', 'Mark unread')}
      {message.folder === 'trash' ? button('restore', 'Restore') : null}
      {message.send?.state === 'failed' ? button('retry', 'Send again') : null}
      {button('delete', DELETE_LABEL[message.folder] ?? 'Delete')}
    </div>
  );
}
