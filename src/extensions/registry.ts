// The registry of recipient extensions: one entry per extension name, typed so that a
// missing extension or a payload type that does not match is a compile error.
import { chessExtension } from './chess/extension.ts';
import type { ChessPayload } from './chess/payload.ts';
import { dispositionExtension } from './disposition/extension.ts';
import type { DispositionPayload } from './disposition/payload.ts';
import { listExtension } from './lists/extension.ts';
import type { ListPayload } from './lists/payload.ts';
import type { ExtensionRegistry } from './recipient/spec.ts';
import { vcardExtension } from './vcard/extension.ts';
import type { VcardPayload } from './vcard/payload.ts';

/** The payload type of each recipient extension, by registry name. */
export type RecipientPayloads = {
  vcard: VcardPayload;
  chess: ChessPayload;
  mailingList: ListPayload;
  disposition: DispositionPayload;
};

/** Registry name of a recipient extension. */
export type RecipientExtensionName = keyof RecipientPayloads;

/** Every recipient extension this client speaks. */
export const RECIPIENT_EXTENSIONS: ExtensionRegistry<RecipientPayloads> = {
  vcard: vcardExtension,
  chess: chessExtension,
  mailingList: listExtension,
  disposition: dispositionExtension,
};
