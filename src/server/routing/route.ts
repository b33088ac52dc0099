/** Where to connect to reach a domain's MT2 service. */
export interface Route {
  readonly host: string;
  readonly port: number;
}

/** Finds the hosts serving a domain, best first. An empty list means no route. */
export interface RouteResolver {
  resolve(domain: string): Promise<readonly Route[]>;
}

/** Failures to find a route. */
export type RoutingErrorCode = 'ROUTE_INVALID' | 'ROUTE_NONE' | 'ROUTE_LOOKUP_FAILED';

export class RoutingError extends Error {
  override readonly name = 'RoutingError';
  constructor(
    readonly code: RoutingErrorCode,
    message: string,
    /** True when asking again later may succeed (a DNS timeout, say). */
    readonly transient = false,
  ) {
    super(message);
  }
}

/** Parses `HOST:PORT` (IPv6 literals in brackets: `[::1]:7001`). */
export function parseRoute(text: string): Route {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RoutingError('ROUTE_INVALID', `'${text}' is not HOST:PORT`);
  }
  return { host, port };
}

/** Domains compare case-insensitively and without a trailing dot. */
export function normalizeDomain(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, '');
}
