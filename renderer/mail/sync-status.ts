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

/**
 * What an account's line in the folder pane says: its connection's state, or, while a
 * sync round is storing new messages, how many of those found so far are in.
 */
export function accountStatus(state: ConnectionState, progress: SyncProgress | undefined): string {
  if (state === 'online' && progress?.phase === 'headers' && progress.done < progress.total) {
    return `syncing ${count(progress.done)} of ${count(progress.total)}`;
  }
  return CONNECTION_LABEL[state];
}
