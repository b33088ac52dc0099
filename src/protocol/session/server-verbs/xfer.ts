import type { ServerVerbSpec } from './context.ts';

/** `XFER msg-id type {size} {pending}`: the transfer receiver does the work (section 6.4). */
export const XFER: ServerVerbSpec = {
  states: ['authenticated'],
  handle: (request, context) => context.receiver.onXfer(request),
};
