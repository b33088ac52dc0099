import { useCallback, useEffect, useState } from 'react';
import type { AccountId, AccountView, FolderId, FolderView } from '../../src/api/index.ts';
import { describeError } from '../api/client.ts';
import { useApi, useApiEvents } from '../api/context.tsx';
import { ErrorAlert } from '../app/ErrorAlert.tsx';
import { accountStatus, type SyncProgress } from './sync-status.ts';
import { LIST_FILTER_LABEL, type ListFilter } from './use-message-pages.ts';

interface FolderPaneProps {
  /** Shown above the folders, each with its connection's state. */
  readonly accounts: readonly AccountView[];
  readonly current: FolderId | undefined;
  readonly onPick: (folder: FolderId) => void;
  /** Which of the folder's messages the list shows. */
  readonly filter: ListFilter;
  readonly onFilter: (filter: ListFilter) => void;
}

export function FolderPane({ accounts, current, onPick, filter, onFilter }: FolderPaneProps) {
  const api = useApi();
  const [folders, setFolders] = useState<readonly FolderView[]>([]);
  const [error, setError] = useState<string>();
  const refresh = useCallback(() => {
    api.call('listFolders', {}).then(setFolders, (failure: unknown) => {
      setError(describeError(failure));
    });
  }, [api]);
  useEffect(refresh, [refresh]);
  const [progress, setProgress] = useState<ReadonlyMap<AccountId, SyncProgress>>(new Map());
  useApiEvents((event) => {
    if (event.type === 'messages-changed') refresh();
    if (event.type === 'sync-progress')
      setProgress((shown) => new Map(shown).set(event.accountId, event));
  });

  return (
    <nav className="folders" aria-label="Folders">
      <ul className="accounts" aria-label="Accounts">
        {accounts.map((account) => {
          const status = accountStatus(account.connection.state, progress.get(account.id));
          return (
            <li
              key={account.id}
              title={`${account.address}: ${account.connection.error ?? status}`}
            >
              <span className="address">{account.address}</span>
              <span className={`connection connection-${account.connection.state}`}>{status}</span>
            </li>
          );
        })}
      </ul>
      <ul>
        {folders.map((folder) => (
          <li key={folder.id}>
            <button
              type="button"
              aria-current={folder.id === current ? 'page' : undefined}
              aria-label={`${folder.name}, ${folder.unread} unread of ${folder.total}`}
              onClick={() => {
                onPick(folder.id);
              }}
            >
              <span>{folder.name}</span>
              {folder.unread > 0 ? (
                <span className="count">{folder.unread}</span>
              ) : (
                <span className="total">{folder.total}</span>
              )}
            </button>
          </li>
        ))}
      </ul>
      <fieldset className="list-filter">
        <legend>Show</legend>
        {(Object.keys(LIST_FILTER_LABEL) as ListFilter[]).map((choice) => (
          <label key={choice}>
            <input
              type="radio"
              name="list-filter"
              checked={filter === choice}
              onChange={() => {
                onFilter(choice);
              }}
            />{' '}
            {LIST_FILTER_LABEL[choice]}
          </label>
        ))}
      </fieldset>
      <ErrorAlert message={error} />
    </nav>
  );
}
