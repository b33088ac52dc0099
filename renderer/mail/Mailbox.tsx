import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type {
  AppStatus,
  BodyView,
  FolderId,
  MessageRef,
  MessageSummaryView,
  MessageView,
} from '../../src/api/index.ts';
import { describeError } from '../api/client.ts';
import { useApi, useApiEvents } from '../api/context.tsx';
import { CertificateManager } from '../certificates/CertificateManager.tsx';
import { CertificateExpiry } from '../certificates/CertificateExpiry.tsx';
import { ExtensionsButton } from '../consent/ExtensionsButton.tsx';
import { Composer } from './Composer.tsx';
import { EMPTY_SEED, forwardSeed, replySeed, type ComposeSeed } from './compose-seed.ts';
import { FolderPane } from './FolderPane.tsx';
import {
  commandForKey,
  isMessageAction,
  type MailCommand,
  type MessageAction,
} from './keyboard.ts';
import { MessageList } from './MessageList.tsx';
import { Reader } from './Reader.tsx';
import { SearchBox } from './SearchBox.tsx';
import { NO_SELECTION, selectRow, selectedIndex, type Selection } from './selection.ts';
import { isTyping } from './typing-target.ts';
import {
  LIST_FILTER_LABEL,
  useMessagePages,
  type ListFilter,
  type ListSource,
} from './use-message-pages.ts';

interface MailboxProps {
  readonly status: AppStatus;
  readonly themeToggle: ReactNode;
}

/** The three panes (folders, list, reader), the search box and the composer. */
export function Mailbox({ status, themeToggle }: MailboxProps) {
  const api = useApi();
  const account = status.accounts[0];
  // The lists hold every account's mail (one unified inbox): rows name their account
  // once there is more than one.
  const accountAddresses = useMemo(
    () =>
      status.accounts.length > 1
        ? new Map(status.accounts.map((view) => [view.id, view.address]))
        : undefined,
    [status.accounts],
  );
  const [folder, setFolder] = useState<FolderId>('inbox');
  const [filter, setFilter] = useState<ListFilter>('all');
  const [query, setQuery] = useState('');
  const source: ListSource =
    query === '' ? { kind: 'folder', folder, filter } : { kind: 'search', query };
  const [openRef, setOpenRef] = useState<MessageRef>();
  const pages = useMessagePages(source, openRef);
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const selectedRow = selectedIndex(pages.items, selection);
  const select = useCallback(
    (index: number) => {
      setSelection(selectRow(pages.items, index));
    },
    [pages.items],
  );
  const opened = useRef<{ message: MessageView; body: BodyView | undefined }>(undefined);
  const [seed, setSeed] = useState<ComposeSeed>();
  const [notice, setNotice] = useState<string>();
  const [managingCertificates, setManagingCertificates] = useState(false);
  const searchInput = useRef<HTMLInputElement>(null);

  useApiEvents((event) => {
    if (event.type === 'notice') setNotice(event.text);
  });

  const pickFolder = (next: FolderId) => {
    setFolder(next);
    setQuery('');
    setSelection(NO_SELECTION);
    setOpenRef(undefined);
  };
  const open = useCallback(
    (index: number) => {
      const message = pages.items[index];
      if (message === undefined) return;
      select(index);
      setOpenRef(message.ref);
    },
    [pages.items, select],
  );
  const onLoaded = useCallback((message: MessageView, body: BodyView | undefined) => {
    opened.current = { message, body };
  }, []);

  /**
   * Flags, marks unread, deletes `target` (to the trash; from the trash, for good; from
   * the outbox, cancelling it), restores it from the trash, or sends it again.
   */
  const act = (command: MessageAction, target: MessageSummaryView) => {
    const refs = [target.ref];
    const call = (): Promise<unknown> => {
      switch (command) {
        case 'flag':
          return api.call('setFlags', { refs, flagged: !target.flagged });
        case 'markUnread':
          return api.call('setFlags', { refs, seen: false });
        case 'delete':
          return api.call('deleteMessages', { refs });
        case 'restore':
          return api.call('restoreMessages', { refs });
        case 'retry':
          return api.call('retrySend', { ref: target.ref });
      }
    };
    // Deleted or restored, it leaves the list it is in.
    if ((command === 'delete' || command === 'restore') && target.ref === openRef)
      setOpenRef(undefined);
    call().catch((failure: unknown) => {
      setNotice(describeError(failure));
    });
  };

  /**
   * Runs `command`; one that changes a message acts on `target`, the selected one unless
   * given (the reader gives its own).
   */
  const run = (command: MailCommand, target = pages.items[selectedRow]) => {
    if (isMessageAction(command)) {
      if (target !== undefined) act(command, target);
      return;
    }
    switch (command) {
      case 'next':
        select(Math.min(selectedRow + 1, pages.items.length - 1));
        return;
      case 'previous':
        select(Math.max(selectedRow - 1, 0));
        return;
      case 'open':
        open(selectedRow);
        return;
      case 'reply':
      case 'replyAll':
      case 'forward':
        if (opened.current !== undefined && opened.current.message.summary.ref === openRef) {
          const { message, body } = opened.current;
          setSeed(
            command === 'forward'
              ? forwardSeed(message, body)
              : replySeed(
                  message,
                  body,
                  command === 'replyAll'
                    ? { ownAddresses: status.accounts.map((view) => view.address) }
                    : undefined,
                ),
          );
        }
        return;
      case 'compose':
        setSeed(EMPTY_SEED);
        return;
      case 'search':
        searchInput.current?.focus();
        return;
      case 'escape':
        if (document.activeElement === searchInput.current) {
          searchInput.current?.blur();
          setQuery('');
        } else if (openRef !== undefined) setOpenRef(undefined);
        return;
    }
  };
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (seed !== undefined) return; // the composer dialog has the keyboard
      const command = commandForKey(event, isTyping(event.target));
      if (command === undefined) return;
      event.preventDefault();
      runRef.current(command);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [seed]);

  if (account === undefined) return <p role="alert">No account.</p>;
  return (
    <div className="mailbox">
      <header className="toolbar">
        <h1 className="app-name">MT2</h1>
        <SearchBox
          inputRef={searchInput}
          onSearch={(text) => {
            setQuery(text);
            setSelection(NO_SELECTION);
          }}
        />
        <button
          type="button"
          onClick={() => {
            setSeed(EMPTY_SEED);
          }}
        >
          Compose
        </button>
        <button
          type="button"
          onClick={() => {
            api.call('syncNow', {}).catch((failure: unknown) => {
              setNotice(describeError(failure));
            });
          }}
        >
          Get mail
        </button>
        <button
          type="button"
          onClick={() => {
            setManagingCertificates(true);
          }}
        >
          Certificates
        </button>
        <ExtensionsButton />
        <CertificateExpiry
          notAfter={account.certificate.notAfter}
          onRenew={() => {
            setManagingCertificates(true);
          }}
        />
        {themeToggle}
      </header>
      {notice === undefined ? null : (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <FolderPane
        accounts={status.accounts}
        current={query === '' ? folder : undefined}
        onPick={pickFolder}
        filter={filter}
        onFilter={(next) => {
          setFilter(next);
          setSelection(NO_SELECTION);
        }}
      />
      <MessageList
        label={
          query !== ''
            ? `Search results for ${query}`
            : filter === 'all'
              ? `Messages in ${folder}`
              : `${LIST_FILTER_LABEL[filter]} messages in ${folder}`
        }
        pages={pages}
        selected={selectedRow}
        onSelect={select}
        onOpen={open}
        accounts={accountAddresses}
      />
      {openRef === undefined ? (
        <section className="reader empty" aria-label="Message">
          <p>Select a message and press Enter to read it.</p>
        </section>
      ) : (
        <Reader
          messageRef={openRef}
          onLoaded={onLoaded}
          listed={pages.items.find((item) => item.ref === openRef)}
          onCommand={run}
        />
      )}
      {managingCertificates ? (
        <CertificateManager
          onClose={() => {
            setManagingCertificates(false);
          }}
        />
      ) : null}
      {seed === undefined ? null : (
        <Composer
          accounts={status.accounts}
          seed={seed}
          onClose={() => {
            setSeed(undefined);
          }}
        />
      )}
    </div>
  );
}
