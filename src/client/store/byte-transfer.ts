// Moving byte arrays to and from the store's worker without copying them twice. A
// structured clone copies every Uint8Array into the message and again out of it (a LIST
// page carries about 8 MB of envelopes). Instead, the arrays of one message are copied
// once into a single new ArrayBuffer, which is transferred: the other thread gets views
// into it. The caller's own arrays are never transferred (that would empty them, and a
// Buffer may share its memory with unrelated Buffers).

/** A value ready for postMessage: a copy whose byte arrays view `transfer[0]`. */
export interface Packed {
  readonly value: unknown;
  readonly transfer: ArrayBuffer[];
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Copies the plain objects and arrays of `value` that lead to a Uint8Array, with each
 * Uint8Array copied into one shared ArrayBuffer. Anything else (Dates, strings, other
 * objects) is kept as it is, for the structured clone. Without byte arrays, `value`
 * itself is returned and nothing is transferred.
 */
export function packBytes(value: unknown): Packed {
  const arrays: Uint8Array[] = [];
  const rebuilt = new Map<object, unknown>();
  let total = 0;

  // First pass: find the arrays (each once, however often it occurs) and their size.
  const find = (node: unknown): boolean => {
    if (typeof node !== 'object' || node === null) return false;
    if (rebuilt.has(node)) return rebuilt.get(node) !== node;
    if (node instanceof Uint8Array) {
      rebuilt.set(node, undefined);
      arrays.push(node);
      total += node.byteLength;
      return true;
    }
    if (!Array.isArray(node) && !isPlainObject(node)) return false;
    // Marked as unchanged until a byte array is found below it (cycles end here).
    rebuilt.set(node, node);
    let holdsBytes = false;
    for (const child of Object.values(node)) if (find(child)) holdsBytes = true;
    if (holdsBytes) rebuilt.set(node, undefined);
    return holdsBytes;
  };
  if (!find(value)) return { value, transfer: [] };

  const buffer = new ArrayBuffer(total);
  let offset = 0;
  for (const array of arrays) {
    const view = new Uint8Array(buffer, offset, array.byteLength);
    view.set(array);
    rebuilt.set(array, view);
    offset += array.byteLength;
  }

  // Second pass: copy the containers that hold byte arrays, pointing at the views.
  const copy = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    const done = rebuilt.get(node);
    if (done !== undefined) return done;
    if (!rebuilt.has(node)) return node;
    const result: Record<string, unknown> = Array.isArray(node)
      ? ([] as unknown as Record<string, unknown>)
      : (Object.create(Object.getPrototypeOf(node) as object | null) as Record<string, unknown>);
    rebuilt.set(node, result);
    for (const [key, child] of Object.entries(node)) {
      result[key] = copy(child);
    }
    return result;
  };
  return { value: copy(value), transfer: [buffer] };
}
