import type { Mt2ExtensionResult, Mt2Option } from '../codec/frames.ts';
import { Mt2Error } from '../errors.ts';
import type { ClientContext } from '../session/client-context.ts';
import { requireState } from '../session/client-context.ts';

/** OPT's answer: the overall status and the in-band result of each extension. */
export interface OptResult {
  /** True when every extension was accepted. */
  readonly ok: boolean;
  readonly code: string;
  readonly text: string;
  /** One result per extension asked, e.g. `(PIPE OK 110.0.2.2 ...)`. */
  readonly results: readonly Mt2ExtensionResult[];
}

/**
 * `OPT (NAME=values) ...` (docs/protocol.md section 6.3). Does not throw on ERR: each
 * extension's result comes back in-band; granted ones are applied on this side through
 * their extension's `onOptGranted` (PIPE switches the transfer mode here).
 */
export async function opt(
  context: ClientContext,
  options: readonly Mt2Option[],
): Promise<OptResult> {
  requireState(context, 'OPT', 'anonymous', 'authenticated');
  if (options.length === 0) throw new Mt2Error('BAD_PARAMETERS', 'OPT needs an extension');
  const response = await context.endpoint.request('OPT', [], options).final;
  const results = response.groups.filter((group) => group.kind === 'result');
  for (const result of results) {
    if (result.status !== 'OK') continue;
    const asked = options.find((option) => option.name === result.name);
    const extension = context.extensions.get(result.name.toUpperCase());
    if (asked !== undefined) extension?.onOptGranted?.(asked.values, context.endpoint);
  }
  return { ok: response.status === 'OK', code: response.code, text: response.text, results };
}
