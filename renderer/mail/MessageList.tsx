import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { MessageSummaryView } from '../../src/api/index.ts';
import { ErrorAlert } from '../app/ErrorAlert.tsx';
import { BADGE_LABEL } from './badges.ts';
import { listDate, shortName } from './format.ts';
import { AnsweredIcon, AttachmentIcon, EncryptedIcon, FlaggedIcon, SignedIcon } from './icons.tsx';
import type { MessagePages } from './use-message-pages.ts';

const ROW_HEIGHT_PX = 64;
/** Start fetching the next page this many rows before the end is on screen. */
const PREFETCH_ROWS = 30;

interface MessageListProps {
  readonly label: string;
  readonly pages: MessagePages;
  readonly selected: number;
  readonly onSelect: (index: number) => void;
  readonly onOpen: (index: number) => void;
  /** Each account's address by id, when there is more than one: rows then name theirs. */
  readonly accounts?: ReadonlyMap<string, string> | undefined;
}

/** The virtualized list: only the rows on screen (plus a few) are in the DOM. */
export function MessageList({
  label,
  pages,
  selected,
  onSelect,
  onOpen,
  accounts,
}: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: pages.items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: 8,
  });
  const rows = virtualizer.getVirtualItems();
  const lastVisible = rows.at(-1)?.index ?? -1;

  useEffect(() => {
    if (
      !pages.complete &&
      !pages.loading &&
      pages.error === undefined &&
      lastVisible >= pages.items.length - PREFETCH_ROWS
    ) {
      pages.loadMore();
    }
  }, [lastVisible, pages]);

  useEffect(() => {
    if (selected >= 0) virtualizer.scrollToIndex(selected, { align: 'auto' });
  }, [selected, virtualizer]);

  return (
    <div
      ref={scroller}
      className="message-list"
      role="listbox"
      aria-label={label}
      aria-activedescendant={selected >= 0 ? `message-${selected}` : undefined}
      tabIndex={0}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {rows.map((row) => {
          const message = pages.items[row.index];
          if (message === undefined) return null;
          return (
            <MessageRow
              key={message.ref}
              id={`message-${row.index}`}
              message={message}
              account={accounts?.get(message.accountId)}
              position={row.index + 1}
              total={pages.complete ? pages.items.length : -1}
              top={row.start}
              selected={row.index === selected}
              onClick={() => {
                onSelect(row.index);
              }}
              onDoubleClick={() => {
                onOpen(row.index);
              }}
            />
          );
        })}
      </div>
      {pages.items.length === 0 && !pages.loading ? <p className="empty">No messages.</p> : null}
      {pages.loading ? (
        <p role="status" className="loading">
          Loading messages…
        </p>
      ) : null}
      <ErrorAlert message={pages.error} />
    </div>
  );
}

interface RowProps {
  readonly id: string;
  readonly message: MessageSummaryView;
  /** The account the message belongs to, shown when there are several. */
  readonly account: string | undefined;
  readonly position: number;
  readonly total: number;
  readonly top: number;
  readonly selected: boolean;
  readonly onClick: () => void;
  readonly onDoubleClick: () => void;
}

/** The row's second line: how sending goes, a deletion on its way, or the snippet. */
function rowNote(message: MessageSummaryView): string {
  if (message.send !== undefined) {
    const { state, problem } = message.send;
    return problem === undefined ? state : `${state}: ${problem}`;
  }
  if (message.deletingForGood)
    return 'Deleted for good: it leaves the trash once the server has deleted it too.';
  return message.snippet;
}

function MessageRow({
  id,
  message,
  account,
  position,
  total,
  top,
  selected,
  onClick,
  onDoubleClick,
}: RowProps) {
  const sender =
    message.folder === 'sent' || message.folder === 'outbox'
      ? `To ${message.to.map(shortName).join(', ')}`
      : shortName(message.from);
  return (
    <div
      id={id}
      role="option"
      aria-selected={selected}
      aria-posinset={position}
      aria-setsize={total}
      aria-label={`${message.deletingForGood ? 'Deleting, ' : ''}${message.unread ? 'Unread, ' : ''}${message.flagged ? 'Flagged, ' : ''}${sender}${account === undefined ? '' : ` (${account})`}: ${message.subject || '(no subject)'}`}
      className={`message-row${message.unread ? ' unread' : ''}${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT_PX }}
      onClick={onClick}
      onDoubleClick={onDoubleClick}
    >
      <span className="sender">
        {sender}
        {account === undefined ? null : <span className="account"> · {account}</span>}
      </span>
      <span
        className={`badge badge-${message.verification}`}
        title={BADGE_LABEL[message.verification]}
      >
        {BADGE_LABEL[message.verification]}
      </span>
      <span className="icons">
        {message.flagged ? <FlaggedIcon /> : null}
        {message.answered ? <AnsweredIcon /> : null}
        {message.signed ? <SignedIcon /> : null}
        {message.encrypted ? <EncryptedIcon /> : null}
        {message.hasAttachments ? <AttachmentIcon /> : null}
      </span>
      <time className="date" dateTime={message.date}>
        {listDate(message.date)}
      </time>
      <span className="preview">
        <span className="subject">{message.subject || '(no subject)'}</span>
        <span className="snippet">{rowNote(message)}</span>
      </span>
    </div>
  );
}
