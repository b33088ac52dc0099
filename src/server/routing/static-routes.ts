import {
  normalizeDomain,
  parseRoute,
  RoutingError,
  type Route,
  type RouteResolver,
} from './route.ts';

/**
 * The routing table given on the command line (`--route DOMAIN=HOST:PORT`, repeatable;
 * several routes for one domain are tried in the order given).
 */
export class StaticRoutes implements RouteResolver {
  readonly #table = new Map<string, Route[]>();

  /** @param entries `DOMAIN=HOST:PORT` strings. */
  constructor(entries: readonly string[] = []) {
    for (const entry of entries) {
      const equals = entry.indexOf('=');
      if (equals <= 0)
        throw new RoutingError('ROUTE_INVALID', `'${entry}' is not DOMAIN=HOST:PORT`);
      const domain = normalizeDomain(entry.slice(0, equals));
      const routes = this.#table.get(domain) ?? [];
      routes.push(parseRoute(entry.slice(equals + 1)));
      this.#table.set(domain, routes);
    }
  }

  resolve(domain: string): Promise<readonly Route[]> {
    return Promise.resolve(this.#table.get(normalizeDomain(domain)) ?? []);
  }
}
