import { RESULT } from '../../result-codes.ts';
import { OPEN_STATES, type ServerVerbSpec } from './context.ts';

/** `ABOR tag`: kills an XFER whose data is arriving (section 6.5). */
export const ABOR: ServerVerbSpec = {
  states: OPEN_STATES,
  async handle(request, context) {
    const { endpoint } = context;
    const [target] = request.params;
    const tag =
      target?.kind === 'number'
        ? target.value
        : target !== undefined && /^(0|[1-9][0-9]{0,15})$/.test(target.value)
          ? Number(target.value)
          : undefined;
    if (tag === undefined || request.params.length !== 1) {
      endpoint.reply(request.tag, RESULT.BAD_PARAMETERS, 'ABOR tag');
      return;
    }
    if (!context.receiver.hasActive(tag)) {
      endpoint.reply(request.tag, RESULT.NO_SUCH_COMMAND);
      return;
    }
    // The slides answer the ABOR first, then the killed command.
    endpoint.reply(request.tag, RESULT.ABORTED_COMMAND, `Command number ${tag} killed.`);
    await context.receiver.abort(tag);
  },
};
