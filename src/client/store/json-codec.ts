// JSON for records kept whole (consent items, extension state): Dates and byte arrays
// survive the round trip, tagged as {"$date": ISO} and {"$bytes": base64}. No record
// type of the store has a property named $date or $bytes of its own.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function encodeRecord(value: unknown): string {
  return JSON.stringify(
    value,
    function (this: Record<string, unknown>, key: string, encoded: unknown) {
      // `this[key]` is the value before Date.prototype.toJSON ran.
      const original = this[key];
      if (original instanceof Date) return { $date: original.toISOString() };
      if (original instanceof Uint8Array)
        return { $bytes: Buffer.from(original).toString('base64') };
      return encoded;
    },
  );
}

export function decodeRecord(text: string): unknown {
  return JSON.parse(text, (_key, value: Json) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const keys = Object.keys(value);
    if (keys.length !== 1) return value;
    const date = value['$date'];
    if (typeof date === 'string') return new Date(date);
    const bytes = value['$bytes'];
    if (typeof bytes === 'string') return new Uint8Array(Buffer.from(bytes, 'base64'));
    return value;
  }) as unknown;
}
