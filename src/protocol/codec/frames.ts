import type { Mt2ErrorCode } from '../errors.ts';
import type { ResponseStatus } from '../result-codes.ts';

/** A plain parameter: a run of visible ASCII without `( ) [ ] { }`. */
export interface Mt2Atom {
  readonly kind: 'atom';
  readonly value: string;
}

/** A `{n}` parameter (sizes and counts), 0 to 2^53-1. */
export interface Mt2Number {
  readonly kind: 'number';
  readonly value: number;
}

/** A request parameter. */
export type Mt2Param = Mt2Atom | Mt2Number;

/** An extension group `(NAME=v1;v2)`: one extension with its values (maybe none). */
export interface Mt2Option {
  readonly kind: 'option';
  readonly name: string;
  readonly values: readonly string[];
}

/** An in-band extension result `(NAME STATUS code text)` inside a response. */
export interface Mt2ExtensionResult {
  readonly kind: 'result';
  readonly name: string;
  readonly status: ResponseStatus;
  readonly code: string;
  /** Free text; may be empty. */
  readonly text: string;
}

/** A request line `[tag VERB params (ext)...]`. */
export interface Mt2Request {
  readonly kind: 'request';
  readonly tag: number;
  /** Upper case (verbs are case-insensitive on the wire). */
  readonly verb: string;
  readonly params: readonly Mt2Param[];
  readonly options: readonly Mt2Option[];
  /** True when the first parameter was written `VERB=arg` (the slides' `[4 ABOR=3]`). */
  readonly joined: boolean;
}

/** A response line `[tag STATUS code (ext)... text]`; tag `*` is unsolicited. */
export interface Mt2Response {
  readonly kind: 'response';
  readonly tag: number | '*';
  readonly status: ResponseStatus;
  readonly code: string;
  readonly groups: readonly (Mt2Option | Mt2ExtensionResult)[];
  /** Free text; may be empty. */
  readonly text: string;
}

/** A data chunk `{tag n}` CRLF followed by n octets. */
export interface Mt2Chunk {
  readonly kind: 'chunk';
  readonly tag: number;
  /** Decoded chunks own their array (the decoder never writes to it again): keep it or view into it. */
  readonly data: Uint8Array;
}

/**
 * Input the decoder could not read. `tag` is the request's tag when it could be read
 * (so the answer can carry it), else null. After a `fatal` one the decoder reads no more.
 */
export interface Mt2Invalid {
  readonly kind: 'invalid';
  readonly code: Mt2ErrorCode;
  readonly tag: number | null;
  readonly fatal: boolean;
  readonly detail: string;
}

/** A line: request or response. */
export type Mt2Line = Mt2Request | Mt2Response;

/** Everything the decoder yields. */
export type Mt2Frame = Mt2Request | Mt2Response | Mt2Chunk | Mt2Invalid;

/** Builds an atom parameter. */
export function atom(value: string): Mt2Atom {
  return { kind: 'atom', value };
}

/** Builds a `{n}` parameter. */
export function num(value: number): Mt2Number {
  return { kind: 'number', value };
}

/** Builds an extension group `(name=values)`. */
export function option(name: string, ...values: string[]): Mt2Option {
  return { kind: 'option', name, values };
}
