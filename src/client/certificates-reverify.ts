import type { IdentityValidator } from '../identity/index.ts';
import { decodeEnvelope } from '../message/index.ts';
import { readVerification } from './message-views.ts';
import { verifyIncoming, type StoredVerification } from './security/verify-incoming.ts';
import type { StoredMessage } from './store/index.ts';

/**
 * A stored message's verification, checked again now: trust settings change (an issuer
 * blacklisted, a gateway trusted) and certificates expire after the message arrived, and
 * what the reader shows must follow. Returns the new verification when it differs from
 * the stored one (to be stored), or undefined when the stored one stands; a message the
 * engine never verified (still pending, or refused as unreadable) is left as it is.
 */
export async function reverifyOnOpen(
  stored: StoredMessage,
  body: Uint8Array | undefined,
  validator: IdentityValidator,
): Promise<StoredVerification | undefined> {
  const previous = readVerification(stored.verificationJson);
  if (previous === undefined || stored.headersXml === undefined) return undefined;
  let envelope;
  try {
    envelope = decodeEnvelope(stored.envelopeXml);
  } catch {
    return undefined;
  }
  const next = await verifyIncoming(
    { envelope, headers: stored.headersXml, ...(body === undefined ? {} : { body }) },
    validator,
  );
  const { checkedAt: _before, ...was } = previous;
  const { checkedAt: _now, ...is } = next;
  return JSON.stringify(was) === JSON.stringify(is) ? undefined : next;
}
