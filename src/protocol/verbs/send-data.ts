import type { Endpoint } from '../session/endpoint.ts';

/** How data chunks are cut and watched. */
export interface SendDataOptions {
  /** Largest chunk; capped by both sides' maxChunkBytes. */
  readonly chunkBytes?: number;
  /** Stop before the next chunk when this returns true (ABOR, or the peer said ERR). */
  readonly stop?: () => boolean;
  /** Called after each chunk with the octets of `data` sent so far. */
  readonly onProgress?: (sentBytes: number) => void;
}

/**
 * Sends `data` as `{tag n}` chunks (docs/protocol.md section 4), waiting whenever the
 * connection is full. Resolves once written, or early when `stop` says so.
 */
export async function sendData(
  endpoint: Endpoint,
  tag: number,
  data: Uint8Array,
  options: SendDataOptions,
): Promise<void> {
  const ceiling = Math.min(endpoint.limits.maxChunkBytes, endpoint.peerLimits.maxChunkBytes);
  const size = Math.max(1, Math.min(options.chunkBytes ?? ceiling, ceiling));
  for (let offset = 0; offset < data.length; offset += size) {
    if (options.stop?.() === true) return;
    const end = Math.min(offset + size, data.length);
    await endpoint.sendChunk(tag, data.subarray(offset, end));
    options.onProgress?.(end);
  }
}
