// The one interface behind which delegated CA lookups sit (FIRS-style LDAP, DNS, a
// static file); implementations live in src/identity/resolvers.

/** One CA certificate found for a domain, with where it came from. */
export interface ResolvedCa {
  /** DER of the CA certificate. */
  readonly der: Uint8Array;
  /** Where it was found, for the verdict (e.g. "ldap://127.0.0.1:3890/cn=..."). */
  readonly origin: string;
}

/** Looks up the CA certificates a domain publishes (slides: "Delegated CA Validation" 3). */
export interface CaResolver {
  /** A short name for verdicts and logs, e.g. "ldap" or "dns". */
  readonly name: string;
  /**
   * Resolves to the CA certificates published for `domain` (possibly none). Rejects
   * with a ResolverError when the lookup itself fails.
   */
  resolve(domain: string): Promise<readonly ResolvedCa[]>;
}
