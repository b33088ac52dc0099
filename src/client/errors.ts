import { ApiError } from '../api/index.ts';

/**
 * The engine's codes for failures people should see (docs/errors.md, "Client engine").
 * Every one reaches the UI as an ApiError with this code and a sentence for people.
 */
export const ENGINE_ERROR = {
  /** There is no identity yet: onboarding (createLocalIdentity or importIdentity) first. */
  NOT_SET_UP: 'ENGINE_NOT_SET_UP',
  /** createLocalIdentity when this data folder already has one. */
  ALREADY_SET_UP: 'ENGINE_ALREADY_SET_UP',
  /** The private keys are still encrypted: unlock() first. */
  LOCKED: 'ENGINE_LOCKED',
  /** The passphrase does not open the stored key; nothing was changed. */
  WRONG_PASSPHRASE: 'ENGINE_WRONG_PASSPHRASE',
  /** The PKCS#12 file cannot be read with that password, or holds no usable identity. */
  BAD_IDENTITY_FILE: 'ENGINE_BAD_IDENTITY_FILE',
  /** No account with that id. */
  UNKNOWN_ACCOUNT: 'ENGINE_UNKNOWN_ACCOUNT',
  /** No message with that ref in the local store. */
  UNKNOWN_MESSAGE: 'ENGINE_UNKNOWN_MESSAGE',
  /** The message has no attachment at that index (or its body is not fetched). */
  NO_SUCH_ATTACHMENT: 'ENGINE_NO_SUCH_ATTACHMENT',
  /** The account is not connected, so the body cannot be fetched now. */
  OFFLINE: 'ENGINE_OFFLINE',
  /** The server does not have the body any more, or refused to send it. */
  BODY_UNAVAILABLE: 'ENGINE_BODY_UNAVAILABLE',
  /**
   * retrySend / cancelSend on a message in a state that does not allow it, or
   * restoreMessages on one that was never sent (it stays in the trash).
   */
  SEND_STATE: 'ENGINE_SEND_STATE',
  /** Encryption asked for, but a recipient's certificate is not known. */
  NO_RECIPIENT_CERTIFICATE: 'ENGINE_NO_RECIPIENT_CERTIFICATE',
  /** The embedded mt2d could not be set up or started. */
  EMBEDDED_SERVER: 'ENGINE_EMBEDDED_SERVER',
  /** No certificate with that fingerprint is known here. */
  UNKNOWN_CERTIFICATE: 'ENGINE_UNKNOWN_CERTIFICATE',
  /** The data given to importCertificate is no readable personal certificate. */
  BAD_CERTIFICATE: 'ENGINE_BAD_CERTIFICATE',
  /** exportIdentity could not write the file (exists already, no such folder, ...). */
  EXPORT_FAILED: 'ENGINE_EXPORT_FAILED',
  /** installCertificate without a pending certificate request for the account. */
  NO_PENDING_REQUEST: 'ENGINE_NO_PENDING_REQUEST',
  /** installCertificate of a certificate that does not fit the pending request (nothing changed). */
  CERTIFICATE_REFUSED: 'ENGINE_CERTIFICATE_REFUSED',
  /** setTrustSettings with delegated validation on and no resolver to look CAs up with. */
  BAD_TRUST_SETTINGS: 'ENGINE_BAD_TRUST_SETTINGS',
  /** A recipient-extension request or action that cannot be carried out (the reason says why; nothing was applied). */
  CONSENT: 'ENGINE_CONSENT',
  /** The engine was closed. */
  CLOSED: 'ENGINE_CLOSED',
  /** A part of the API that this version does not implement yet. */
  NOT_BUILT: 'NOT_BUILT',
} as const;

export type EngineErrorCode = (typeof ENGINE_ERROR)[keyof typeof ENGINE_ERROR];

/** An ApiError with one of the engine's codes. */
export function engineError(code: EngineErrorCode, message: string): ApiError {
  return new ApiError(code, message);
}
