/**
 * Session states of both roles (docs/protocol.md section 6).
 *
 * ```
 *              greeting sent (server) / received (client)
 *   awaiting-greeting ───────────────────────────────▶ anonymous
 *                                                       │   ▲
 *                                    HELO {n} TMP'd     │   │ HELO refused (ERR)
 *                                                       ▼   │
 *                                                    identifying
 *                                                       │
 *                                          HELO OK      │
 *                                                       ▼
 *                                                  authenticated
 *
 *   any state ── QUIT sent or received ──▶ closing ── answered / flushed ──▶ closed
 *   any state ── fatal error, idle timeout, connection lost ──────────────▶ closed
 * ```
 *
 * The transfer mode (synchronous or pipelined) is orthogonal: it starts synchronous
 * and only the PIPE extension changes it, in the authenticated state.
 */
export type SessionState =
  'awaiting-greeting' | 'anonymous' | 'identifying' | 'authenticated' | 'closing' | 'closed';

/** Synchronous (the default) or pipelined (after `OPT (PIPE=ON)` is granted). */
export type TransferMode = 'synchronous' | 'pipelined';

/** Which states each state may move to. */
export const SESSION_TRANSITIONS: Readonly<Record<SessionState, readonly SessionState[]>> = {
  'awaiting-greeting': ['anonymous', 'closing', 'closed'],
  anonymous: ['identifying', 'closing', 'closed'],
  identifying: ['anonymous', 'authenticated', 'closing', 'closed'],
  authenticated: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

/** Whether `from` may move to `to`. */
export function canMove(from: SessionState, to: SessionState): boolean {
  return SESSION_TRANSITIONS[from].includes(to);
}
