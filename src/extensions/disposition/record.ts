/** RFC 8098 disposition types (the obsolete `denied` and `failed` are not used). */
export type DispositionType = 'displayed' | 'deleted' | 'dispatched' | 'processed';

/** A notification received for a message the user sent. */
export interface ReceivedNotification {
  readonly from: string;
  readonly disposition: DispositionType;
  /** Whether the recipient's person or a default approved it. */
  readonly approval: 'person' | 'default';
  readonly at: Date;
}

/** A message the user asked notifications for (collection `dispositionRequests`, keyed by Message-ID). */
export interface DispositionRequestRecord {
  readonly messageId: string;
  /** The recipients asked. */
  readonly recipients: readonly string[];
  /** Where notifications were asked to go (the user's address). */
  readonly notifyTo: string;
  readonly notifications: readonly ReceivedNotification[];
}
