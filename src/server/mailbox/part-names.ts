// The parts of a message by two names: the protocol's (`message/envelope`, XFER and
// PULL) and the MessageStore's (`envelope`).
import { PART_TYPES, type PartType as WirePart } from '../../protocol/index.ts';
import type { PartSizes, PartType } from '../store/index.ts';

/** The store's name of each of the protocol's part types. */
export const STORE_PART: Readonly<Record<WirePart, PartType>> = {
  'message/envelope': 'envelope',
  'message/headers': 'headers',
  'message/body': 'body',
};

/** The protocol's part types of the parts a stored message has (size over 0), in order. */
export function storedWireParts(sizes: PartSizes): WirePart[] {
  return PART_TYPES.filter((part) => sizes[STORE_PART[part]] > 0);
}
