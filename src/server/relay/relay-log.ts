/** One structured log line's fields (JSON values; undefined ones are left out). */
export type RelayLogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Where the relay's structured log lines go (mt2d's ServerLog has this shape). */
export interface RelayLog {
  event(name: string, fields?: RelayLogFields): void;
}

export const SILENT_RELAY_LOG: RelayLog = { event: () => undefined };
