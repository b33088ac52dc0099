import type { Mt2ExtensionResult, Mt2Option } from '../../codec/frames.ts';
import { RESULT, inNamespace, resultClass } from '../../result-codes.ts';
import { isOffered } from '../extension.ts';
import type { ServerContext, ServerVerbSpec } from './context.ts';

/** `OPT (NAME=values) ...` with in-band per-extension results (section 6.3). */
export const OPT: ServerVerbSpec = {
  states: ['anonymous', 'authenticated'],
  async handle(request, context) {
    const { endpoint } = context;
    if (request.params.length > 0 || request.options.length === 0) {
      endpoint.reply(request.tag, RESULT.BAD_PARAMETERS, 'OPT (NAME=values) ...');
      return;
    }
    const results: Mt2ExtensionResult[] = [];
    for (const option of request.options) {
      results.push(await answerOption(option, context));
    }
    const allOk = results.every((result) => result.status === 'OK');
    endpoint.reply(request.tag, allOk ? RESULT.OPT_ACCEPTED : RESULT.FAILED, undefined, results);
  },
};

async function answerOption(
  option: Mt2Option,
  context: ServerContext,
): Promise<Mt2ExtensionResult> {
  const extension = context.extensions.get(option.name.toUpperCase());
  const result = (code: string, text: string): Mt2ExtensionResult => ({
    kind: 'result',
    name: option.name,
    status: resultClass(code) === 2 ? 'OK' : 'ERR',
    code,
    text,
  });
  if (extension === undefined) return result(RESULT.UNKNOWN_EXTENSION, 'Unknown.');
  const refused = inNamespace(extension.namespace, RESULT.EXTENSION_REFUSED);
  if (!isOffered(extension, context.peer) || extension.onOpt === undefined) {
    return result(refused, 'Not offered.');
  }
  try {
    const outcome = await extension.onOpt(option.values, context);
    const cls = resultClass(outcome.code);
    if (cls === 3) return result(refused, 'Bad outcome.');
    return result(outcome.code, outcome.text ?? '');
  } catch {
    return result(inNamespace(extension.namespace, RESULT.PEER_FAILURE), 'Failed.');
  }
}
