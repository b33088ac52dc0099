/** One structured log line's fields (JSON values). */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Where mt2d's structured log goes: one event per call. */
export interface ServerLog {
  event(name: string, fields?: LogFields): void;
}

/**
 * JSON lines (`{"time":...,"event":...,...}`), one per event, on `write` (stdout for
 * `mt2d serve`). Fields whose value is undefined are left out.
 */
export function jsonLinesLog(write: (line: string) => void): ServerLog {
  return {
    event(name, fields = {}) {
      write(`${JSON.stringify({ time: new Date().toISOString(), event: name, ...fields })}\n`);
    },
  };
}

/** A log that drops everything (embedded servers that do not want one). */
export const SILENT_LOG: ServerLog = { event: () => undefined };
