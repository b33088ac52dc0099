// Just enough DER to split a certificate chain: HELO's data is the chain, certificates
// (DER SEQUENCEs) back to back, the peer's own first (docs/protocol.md section 6.2).

/**
 * The first DER element of `bytes` (tag, length, contents), or undefined when the
 * bytes do not start with one complete definite-length SEQUENCE.
 */
export function firstDerSequence(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length < 2 || bytes[0] !== 0x30) return undefined;
  const first = bytes[1] ?? 0;
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4 || bytes.length < 2 + count) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[2 + i] ?? 0);
    header = 2 + count;
  }
  const end = header + length;
  return end <= bytes.length ? bytes.subarray(0, end) : undefined;
}

/** Splits a chain into its certificates; undefined when any element is not complete. */
export function splitDerChain(bytes: Uint8Array): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  let rest = bytes;
  while (rest.length > 0) {
    const element = firstDerSequence(rest);
    if (element === undefined) return undefined;
    out.push(element);
    rest = rest.subarray(element.length);
  }
  return out.length > 0 ? out : undefined;
}

/** Octet-wise equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
