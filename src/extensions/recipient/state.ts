// Extension state: the typed collections that extensions read and write (games,
// contacts, lists, disposition requests). Handlers never write; they return the
// writes, and the consent engine commits them atomically with the audit entries.
import type { ChessGame } from '../chess/game-record.ts';
import type { DispositionRequestRecord } from '../disposition/record.ts';
import type { ListMembership } from '../lists/record.ts';
import type { Contact } from '../vcard/contact.ts';

/** Every collection of extension state and the record type it holds. */
export interface StateCollections {
  /** Chess games, keyed by game id. */
  readonly chessGames: ChessGame;
  /** Contacts made from received vCards, keyed by address (lower-cased). */
  readonly contacts: Contact;
  /** The lists the user is on or is joining/leaving, keyed by list address (lower-cased). */
  readonly listMemberships: ListMembership;
  /** Messages the user asked a disposition notification for, keyed by Message-ID. */
  readonly dispositionRequests: DispositionRequestRecord;
}

/** The name of a state collection. */
export type CollectionName = keyof StateCollections;

/** One change to extension state: a put when `value` is given, a delete otherwise. */
export type StateWrite = {
  readonly [C in CollectionName]: {
    readonly collection: C;
    readonly key: string;
    readonly value?: StateCollections[C];
  };
}[CollectionName];

/** Read access to extension state. */
export interface StateReader {
  /** The record under `key`, or undefined. */
  get<C extends CollectionName>(collection: C, key: string): StateCollections[C] | undefined;
  /** Every record of `collection`, in key order. */
  list<C extends CollectionName>(collection: C): StateCollections[C][];
}

/** A put of `value` under `key` in `collection`. */
export function putState<C extends CollectionName>(
  collection: C,
  key: string,
  value: StateCollections[C],
): StateWrite {
  return { collection, key, value } as StateWrite;
}

/** A delete of `key` from `collection`. */
export function deleteState(collection: CollectionName, key: string): StateWrite {
  return { collection, key };
}

/** The key of an address in keyed collections: addresses compare case-insensitively here. */
export function addressKey(address: string): string {
  return address.toLowerCase();
}
