export {
  parseRoute,
  normalizeDomain,
  RoutingError,
  type Route,
  type RouteResolver,
  type RoutingErrorCode,
} from './route.ts';
export { StaticRoutes } from './static-routes.ts';
export {
  SrvRoutes,
  orderSrvRecords,
  MT2_SRV_PREFIX,
  DEFAULT_SRV_CACHE_MS,
  type SrvRoutesOptions,
} from './srv-routes.ts';
export { RoutingTable } from './routing-table.ts';
