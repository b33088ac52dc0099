/** Limits of the web host, in one place (docs/app.md lists them). */

/** WebSocket connections open at once; one page needs one. */
export const MAX_WS_CONNECTIONS = 8;
/** Calls one connection may have waiting on the engine at once. */
export const MAX_CALLS_IN_FLIGHT = 64;
/** Token bucket per connection: burst size and refill per second. */
export const CALL_BURST = 200;
export const CALLS_PER_SECOND = 100;
/** Bytes queued towards a slow page before the host drops the connection. */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** Longest method name read from a message (the real ones are far shorter). */
export const MAX_METHOD_NAME = 64;
/** Whole-request and header timeouts of the HTTP server. */
export const REQUEST_TIMEOUT_MS = 30_000;
export const HEADERS_TIMEOUT_MS = 10_000;
/** Largest static file served from the renderer build. */
export const MAX_STATIC_FILE_BYTES = 16 * 1024 * 1024;
