import type {
  AccountId,
  AccountView,
  AppStatus,
  FolderId,
  MessageRef,
  SendStatusView,
} from './views.ts';

/** What the engine tells the UI without being asked. */
export type ApiEvent =
  | { readonly type: 'status'; readonly status: AppStatus }
  | { readonly type: 'account'; readonly account: AccountView }
  | {
      /**
       * Where a sync round is. `headers`: `done` new messages stored of `total` found so
       * far in this round (`total` grows as the round lists more of the mailbox);
       * `flags`: local flag changes pushed; `done`: entries listed, the list complete;
       * `verifying` (after `done`): messages verified of those waiting for it.
       */
      readonly type: 'sync-progress';
      readonly accountId: AccountId;
      readonly phase: 'listing' | 'headers' | 'flags' | 'done' | 'verifying';
      readonly done: number;
      readonly total: number;
    }
  | { readonly type: 'messages-changed'; readonly folders: readonly FolderId[] }
  | {
      readonly type: 'body-progress';
      readonly ref: MessageRef;
      readonly received: number;
      readonly total: number;
    }
  | { readonly type: 'send-status'; readonly ref: MessageRef; readonly send: SendStatusView }
  | { readonly type: 'consent-changed'; readonly pending: number }
  | { readonly type: 'notice'; readonly level: 'info' | 'error'; readonly text: string };

export type ApiEventType = ApiEvent['type'];
