/** Days before notAfter from which a certificate is shown as expiring soon. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** "Expires in 12 days", "Expired 3 days ago", or undefined when expiry is far off. */
export function expiryNote(notAfter: string, now: Date = new Date()): string | undefined {
  const days = Math.floor((Date.parse(notAfter) - now.getTime()) / DAY_MS);
  if (Number.isNaN(days)) return undefined;
  if (days < 0) return `Expired ${String(-days)} ${-days === 1 ? 'day' : 'days'} ago`;
  if (days === 0) return 'Expires today';
  if (days <= EXPIRY_WARNING_DAYS)
    return `Expires in ${String(days)} ${days === 1 ? 'day' : 'days'}`;
  return undefined;
}
