import type { VerificationBadge } from '../../src/api/index.ts';

/** The list's short label for each badge; the reader shows the API's own sentence. */
export const BADGE_LABEL: Readonly<Record<VerificationBadge, string>> = {
  verified: 'Verified',
  'valid-untrusted': 'Signed, not trusted',
  failed: 'Verification failed',
  unsigned: 'Not signed',
  pending: 'Not checked yet',
};
