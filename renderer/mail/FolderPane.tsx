import { useCallback, useEffect, useState } from 'react';
import type { FolderId, FolderView } from '../../src/api/index.ts';
import { describeError } from '../api/client.ts';
import { useApi, useApiEvents } from '../api/context.tsx';
import { ErrorAlert } from '../app/ErrorAlert.tsx';

interface FolderPaneProps {
  readonly current: FolderId | undefined;
  readonly onPick: (folder: FolderId) => void;
}

export function FolderPane({ current, onPick }: FolderPaneProps) {
  const api = useApi();
  const [folders, setFolders] = useState<readonly FolderView[]>([]);
  const [error, setError] = useState<string>();
  const refresh = useCallback(() => {
    api.call('listFolders', {}).then(setFolders, (failure: unknown) => {
      setError(describeError(failure));
    });
  }, [api]);
  useEffect(refresh, [refresh]);
  useApiEvents((event) => {
    if (event.type === 'messages-changed') refresh();
  });

  return (
    <nav className="folders" aria-label="Folders">
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
      <ErrorAlert message={error} />
    </nav>
  );
}
