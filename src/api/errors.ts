/**
 * How a failed call reaches the UI: a stable code (docs/errors.md) and a message for
 * people. Transports carry exactly these two fields, never a stack or an inner error.
 */
export interface ApiErrorPayload {
  readonly code: string;
  readonly message: string;
}

/** Thrown by the engine for failures the user should see; thrown at the UI by transports. */
export class ApiError extends Error implements ApiErrorPayload {
  override readonly name = 'ApiError';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toPayload(): ApiErrorPayload {
    return { code: this.code, message: this.message };
  }
}

/** Codes the transports themselves use. */
export const API_ERROR = {
  /** The method name is not part of the API. */
  UNKNOWN_METHOD: 'API_UNKNOWN_METHOD',
  /** The parameters do not match the method's schema. */
  INVALID_PARAMS: 'API_INVALID_PARAMS',
  /** The call came from a frame or origin that may not call the engine. */
  FORBIDDEN_SENDER: 'API_FORBIDDEN_SENDER',
  /** The engine failed in a way it did not describe (a bug); details are in its log. */
  INTERNAL: 'API_INTERNAL',
} as const;

export function isApiErrorPayload(value: unknown): value is ApiErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record['code'] === 'string' && typeof record['message'] === 'string';
}
