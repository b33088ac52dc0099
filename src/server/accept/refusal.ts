import type { Mt2Option } from '../../protocol/index.ts';

/** A filter's no: the result code (class 4 or 5), its text and options for the peer. */
export interface Refusal {
  readonly accept: false;
  readonly code: string;
  readonly text: string;
  readonly options?: readonly Mt2Option[];
}

/** Builds a refusal. */
export function refusal(code: string, text: string): Refusal {
  return { accept: false, code, text };
}

/** Whether a filter's answer is a refusal. */
export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'accept' in value && 'code' in value;
}
