/** Every DaemonError code, for the catalogue test (docs/errors.md). */
export const DAEMON_ERROR_CODES = [
  /** `mt2d init` on a directory that already holds a configuration. */
  'MT2D_ALREADY_INITIALISED',
  /** A directory without `mt2d.json` (never initialised). */
  'MT2D_NOT_INITIALISED',
  /** `mt2d.json` is not valid JSON or a key has a wrong type or value. */
  'MT2D_CONFIG_INVALID',
  /** A user address outside the server's domain, or not an address. */
  'MT2D_ADDRESS_INVALID',
  /** `mt2d user add` for an address that already has a certificate. */
  'MT2D_USER_EXISTS',
  /** A key or certificate file of the data directory cannot be read. */
  'MT2D_CREDENTIALS_UNREADABLE',
  /** `mt2d user remove` or `user renew` for an address that has no certificate here. */
  'MT2D_USER_UNKNOWN',
  /** A reload (SIGHUP) that would change what only a restart can (domain, host name). */
  'MT2D_RELOAD_REFUSED',
] as const;

/** Failures of mt2d's data directory, configuration and user administration. */
export type DaemonErrorCode = (typeof DAEMON_ERROR_CODES)[number];

export class DaemonError extends Error {
  override readonly name = 'DaemonError';
  constructor(
    readonly code: DaemonErrorCode,
    message: string,
  ) {
    super(message);
  }
}
