import { RESULT } from '../../result-codes.ts';
import { OPEN_STATES, type ServerVerbSpec } from './context.ts';

/** `NOOP`: keep-alive (section 6.6). */
export const NOOP: ServerVerbSpec = {
  states: OPEN_STATES,
  handle(request, context) {
    context.endpoint.reply(request.tag, RESULT.OK);
  },
};
