import type { AddressView } from '../../src/api/index.ts';

const sameDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const otherDay = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
});
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const medium = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A list date: the time for today's messages, the date otherwise. */
export function listDate(iso: string, now = new Date()): string {
  const date = new Date(iso);
  return date.toDateString() === now.toDateString() ? sameDay.format(date) : otherDay.format(date);
}

export function fullDate(iso: string): string {
  return full.format(new Date(iso));
}

/** The date in a reply's "On …, … wrote:" line and a forwarded message's header. */
export function attributionDate(iso: string): string {
  return medium.format(new Date(iso));
}

export function addressLabel(address: AddressView): string {
  return address.name === undefined || address.name === ''
    ? address.address
    : `${address.name} <${address.address}>`;
}

export function shortName(address: AddressView): string {
  return address.name === undefined || address.name === '' ? address.address : address.name;
}

/** Splits what the user typed in a To or Cc field into addresses. */
export function parseAddressList(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
