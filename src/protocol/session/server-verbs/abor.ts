import { RESULT } from '../../result-codes.ts';
import type { Mt2Request } from '../../codec/frames.ts';
import { OPEN_STATES, type ServerContext, type ServerVerbSpec } from './context.ts';

/** The tag `ABOR tag`, `ABOR=tag` or `ABOR {tag}` names; undefined when malformed. */
export function aborTarget(request: Mt2Request): number | undefined {
  const [target, ...extra] = request.params;
  if (extra.length > 0 || target === undefined) return undefined;
  if (target.kind === 'number') return target.value;
  return /^(0|[1-9][0-9]{0,15})$/.test(target.value) ? Number(target.value) : undefined;
}

/** `ABOR tag`: kills an XFER whose data is arriving, or an extension's command (section 6.5). */
export const ABOR: ServerVerbSpec = {
  states: OPEN_STATES,
  async handle(request, context) {
    const { endpoint } = context;
    const tag = aborTarget(request);
    if (tag === undefined) {
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
