import type { Mt2Option } from '../codec/frames.ts';
import { RESULT, inNamespace } from '../result-codes.ts';
import type { TransferExtension } from '../session/extension.ts';

/** The TRACE extension's result-code namespace. */
export const TRACE_NAMESPACE = '112';

/** One hop of a reported path. */
export interface TraceHop {
  /** The host that accepted the message (dNSName of its host certificate). */
  readonly host: string;
  /** When it accepted it. */
  readonly time: Date;
}

/** The per-session TRACE switch, read by the server when it commits a message. */
export interface TraceSwitch {
  readonly extension: TransferExtension;
  /** True once the client asked `OPT (TRACE=ON)` (and not OFF since). */
  enabled(): boolean;
}

/**
 * TRACE (docs/protocol.md section 8.4): after `OPT (TRACE=ON)`, the acknowledgement that
 * commits a message carries the message's transfer path, `(TRACE=host,time;...)`, oldest
 * hop first, ending with this server's own entry. Offered to every authenticated peer.
 * One switch per session.
 */
export function traceExtension(): TraceSwitch {
  let on = false;
  const code = (core: string) => inNamespace(TRACE_NAMESPACE, core);
  return {
    enabled: () => on,
    extension: {
      name: 'TRACE',
      namespace: TRACE_NAMESPACE,
      onOpt(values) {
        const [value, ...extra] = values;
        if ((value !== 'ON' && value !== 'OFF') || extra.length > 0) {
          return { code: code(RESULT.BAD_PARAMETERS), text: 'TRACE=ON or TRACE=OFF.' };
        }
        on = value === 'ON';
        return { code: code(RESULT.OPT_ACCEPTED), text: `Trace ${value.toLowerCase()}.` };
      },
    },
  };
}

/** The `(TRACE=...)` option for a path. */
export function traceOption(hops: readonly TraceHop[]): Mt2Option {
  return {
    kind: 'option',
    name: 'TRACE',
    values: hops.map((hop) => `${hop.host},${hop.time.toISOString()}`),
  };
}

/**
 * Reads the path from an acknowledgement's options; undefined when it has none.
 * Malformed hops (no comma, a host with characters a DNS name cannot have, a bad
 * time) make the whole option unreadable: undefined as well.
 */
export function readTraceOption(options: readonly Mt2Option[]): TraceHop[] | undefined {
  const option = options.find((candidate) => candidate.name === 'TRACE');
  if (option === undefined) return undefined;
  const hops: TraceHop[] = [];
  for (const value of option.values) {
    const comma = value.indexOf(',');
    const host = value.slice(0, comma);
    const time = new Date(value.slice(comma + 1));
    if (comma <= 0 || !/^[A-Za-z0-9.-]+$/.test(host) || Number.isNaN(time.getTime())) {
      return undefined;
    }
    hops.push({ host, time });
  }
  return hops;
}
