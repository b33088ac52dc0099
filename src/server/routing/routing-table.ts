import { normalizeDomain, RoutingError, type Route, type RouteResolver } from './route.ts';

/**
 * mt2d's routing: the static table first (a route given by the operator wins), then
 * DNS SRV. A domain with neither has no route, a permanent failure (ROUTE_NONE).
 */
export class RoutingTable {
  readonly #resolvers: readonly RouteResolver[];

  /** @param resolvers asked in order; the first non-empty answer is used. */
  constructor(resolvers: readonly RouteResolver[]) {
    this.#resolvers = resolvers;
  }

  async routesFor(domain: string): Promise<readonly Route[]> {
    for (const resolver of this.#resolvers) {
      const routes = await resolver.resolve(domain);
      if (routes.length > 0) return routes;
    }
    throw new RoutingError('ROUTE_NONE', `no MT2 route to ${normalizeDomain(domain)}`);
  }
}
