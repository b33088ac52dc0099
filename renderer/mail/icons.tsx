// Small inline icons (no icon font, no emoji: both depend on what the system has).

function Icon({ label, path }: { label: string; path: string }) {
  return (
    <svg role="img" aria-label={label} viewBox="0 0 16 16" width="14" height="14" className="icon">
      <title>{label}</title>
      <path
        d={path}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export const SignedIcon = () => (
  <Icon label="Signed" path="M3 13l2-.5 7.5-7.5-1.5-1.5L3.5 11 3 13zM10 4.5l1.5 1.5" />
);
export const EncryptedIcon = () => (
  <Icon label="Encrypted" path="M4 7h8v6H4zM5.5 7V5a2.5 2.5 0 015 0v2" />
);
export const AttachmentIcon = () => (
  <Icon
    label="Has attachments"
    path="M10.5 4.5l-5 5a1.5 1.5 0 002 2l5.5-5.5a3 3 0 00-4-4L3.5 7.5a4.5 4.5 0 006 6l4-4"
  />
);
export const FlaggedIcon = () => <Icon label="Flagged" path="M4 14V2.5M4 3h8l-2 3 2 3H4" />;
export const AnsweredIcon = () => <Icon label="Answered" path="M6 4L2 8l4 4M2 8h7a4 4 0 014 4" />;
