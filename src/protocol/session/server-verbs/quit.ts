import { Mt2Error } from '../../errors.ts';
import { RESULT } from '../../result-codes.ts';
import { OPEN_STATES, type ServerVerbSpec } from './context.ts';

/** `QUIT`: goodbye, then the session closes (section 6.6). */
export const QUIT: ServerVerbSpec = {
  states: OPEN_STATES,
  async handle(request, context) {
    context.endpoint.moveTo('closing');
    context.endpoint.reply(request.tag, RESULT.GOODBYE);
    await context.endpoint.close(new Mt2Error('SESSION_CLOSED', 'QUIT'));
  },
};
