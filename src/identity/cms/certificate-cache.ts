import { X509Certificate } from 'node:crypto';

/** Most certificates kept; the oldest is dropped first. */
export const MAX_CACHED_CERTIFICATES = 512;

const cache = new Map<string, X509Certificate>();

/**
 * The X509Certificate of a DER certificate, made once per distinct DER: a mailbox holds
 * thousands of signatures carrying the same few certificates (a sender's, its server's),
 * and OpenSSL's parse costs more than the signature check. X509Certificate is read-only,
 * so sharing one object is safe. Keyed by the exact octets, so a different certificate
 * can never be mistaken for a cached one.
 * @throws what `new X509Certificate` throws for unreadable DER (nothing is cached then)
 */
export function x509Of(der: Uint8Array): X509Certificate {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  let certificate = cache.get(key);
  if (certificate === undefined) {
    certificate = new X509Certificate(der);
    if (cache.size >= MAX_CACHED_CERTIFICATES) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
  } else {
    cache.delete(key); // moved to the newest end below
  }
  cache.set(key, certificate);
  return certificate;
}
