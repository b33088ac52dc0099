import type { ApiEvent, ConnectionState } from '../../src/api/index.ts';

export type SyncProgress = Extract<ApiEvent, { type: 'sync-progress' }>;

const CONNECTION_LABEL: Readonly<Record<ConnectionState, string>> = {
  offline: 'offline',
  connecting: 'connecting…',
  online: 'online',
  'waiting-to-retry': 'waiting to retry',
  failed: 'failed',
};

const count = (value: number) => value.toLocaleString('en-US');

/** What a sync round is doing, said while it is under way. */
const WORKING: Partial<Record<SyncProgress['phase'], string>> = {
  headers: 'syncing',
  verifying: 'verifying',
};

/**
 * What an account's line in the folder pane says: its connection's state, or, while a
 * sync round stores new messages or verifies them, how many of how many are done.
 */
export function accountStatus(state: ConnectionState, progress: SyncProgress | undefined): string {
  if (state === 'online' && progress !== undefined && progress.done < progress.total) {
    const working = WORKING[progress.phase];
    if (working !== undefined)
      return `${working} ${count(progress.done)} of ${count(progress.total)}`;
  }
  return CONNECTION_LABEL[state];
}
