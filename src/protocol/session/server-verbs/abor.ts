import { RESULT } from '../../result-codes.ts';
import { OPEN_STATES, type ServerContext, type ServerVerbSpec } from './context.ts';

/** `ABOR tag`: kills an XFER whose data is arriving, or an extension's command (section 6.5). */
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
    const killed = `Command number ${tag} killed.`;
    if (!context.receiver.hasActive(tag)) {
      // The extension answers its killed command itself, after this OK.
      if (abortExtensionCommand(tag, context)) {
        endpoint.reply(request.tag, RESULT.ABORTED_COMMAND, killed);
      } else {
        endpoint.reply(request.tag, RESULT.NO_SUCH_COMMAND);
      }
      return;
    }
    // The slides answer the ABOR first, then the killed command.
    endpoint.reply(request.tag, RESULT.ABORTED_COMMAND, killed);
    await context.receiver.abort(tag);
  },
};

function abortExtensionCommand(tag: number, context: ServerContext): boolean {
  for (const extension of context.extensions.values()) {
    if (extension.abort?.(tag, { endpoint: context.endpoint, peer: context.peer }) === true) {
      return true;
    }
  }
  return false;
}
