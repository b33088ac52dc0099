// Validation of contacts handed to the store.
import { MAX_CERTIFICATE_BYTES, MAX_DISPLAY_CHARS } from './limits.ts';
import type { ContactColumns } from './queries/contacts.ts';
import type { ContactInput, ContactSource } from './types.ts';
import { checkBytes, checkDate, checkId, checkObject, checkOneOf, checkText } from './validate.ts';

const CONTACT_SOURCES: readonly ContactSource[] = ['verifiedMessage', 'vcard', 'import'];

/** The contact's columns; the address is lower-cased (addresses compare case-insensitively). */
export function checkContactInput(value: ContactInput, nowMs: number): ContactColumns {
  const contact = checkObject('contact', value);
  return {
    address: checkId('contact.address', contact['address']).toLowerCase(),
    displayName:
      contact['displayName'] === undefined
        ? null
        : checkText('contact.displayName', contact['displayName'], MAX_DISPLAY_CHARS),
    certificate:
      contact['certificate'] === undefined
        ? null
        : checkBytes('contact.certificate', contact['certificate'], MAX_CERTIFICATE_BYTES),
    deliveredBy:
      contact['deliveredBy'] === undefined
        ? null
        : checkId('contact.deliveredBy', contact['deliveredBy']),
    source: checkOneOf('contact.source', contact['source'], CONTACT_SOURCES),
    seenAtMs:
      contact['seenAt'] === undefined ? nowMs : checkDate('contact.seenAt', contact['seenAt']),
  };
}
