import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { Resolver } from 'node:dns/promises';
import { RelayError } from './errors.ts';

/** Finds the address to connect to for a route's host name. */
export type AddressLookup = (host: string) => Promise<string>;

/** An IP literal as it is; a name through the system's resolver (getaddrinfo). */
export const systemAddressLookup: AddressLookup = async (host) => {
  if (isIP(host) !== 0) return host;
  try {
    return (await lookup(host)).address;
  } catch (error) {
    throw new RelayError('RELAY_ADDRESS_UNKNOWN', `${host}: ${(error as Error).message}`);
  }
};

/**
 * Names through the given DNS servers (`IP` or `IP:PORT`, as SrvRoutes takes them), so
 * SRV targets and their addresses come from the same resolver: A first, then AAAA.
 */
export function dnsAddressLookup(servers: readonly string[], timeoutMs = 5000): AddressLookup {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  resolver.setServers([...servers]);
  return async (host) => {
    if (isIP(host) !== 0) return host;
    for (const family of ['resolve4', 'resolve6'] as const) {
      try {
        const [address] = await resolver[family](host);
        if (address !== undefined) return address;
      } catch {
        // no record of this family (or no answer): try the next one
      }
    }
    throw new RelayError('RELAY_ADDRESS_UNKNOWN', `${host} has no A or AAAA record`);
  };
}
