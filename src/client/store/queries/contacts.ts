// Contacts learned from verified messages, vCards and imports.
import { createHash } from 'node:crypto';
import type { StoreDb } from '../store-db.ts';
import type { Contact, ContactSource } from '../types.ts';
import { bytesView } from './message-rows.ts';

interface ContactRow {
  readonly address: string;
  readonly display_name: string | null;
  readonly certificate: Uint8Array | null;
  readonly certificate_fingerprint: string | null;
  readonly delivered_by: string | null;
  readonly source: ContactSource;
  readonly first_seen: number;
  readonly last_seen: number;
}

function toContact(row: ContactRow): Contact {
  return {
    address: row.address,
    ...(row.display_name === null ? {} : { displayName: row.display_name }),
    ...(row.certificate === null ? {} : { certificate: bytesView(row.certificate) }),
    ...(row.certificate_fingerprint === null
      ? {}
      : { certificateFingerprint: row.certificate_fingerprint }),
    ...(row.delivered_by === null ? {} : { deliveredBy: row.delivered_by }),
    source: row.source,
    firstSeen: new Date(row.first_seen),
    lastSeen: new Date(row.last_seen),
  };
}

export interface ContactColumns {
  readonly address: string;
  readonly displayName: string | null;
  readonly certificate: Uint8Array | null;
  readonly deliveredBy: string | null;
  readonly source: ContactSource;
  readonly seenAtMs: number;
}

/**
 * Adds or merges a contact: the earliest first-seen and latest last-seen are kept; a
 * display name or certificate given replaces the stored one, one not given keeps it. The
 * delivering server goes with the certificate: replaced (or cleared) with it.
 */
export function upsertContact(db: StoreDb, contact: ContactColumns): Contact {
  const fingerprint =
    contact.certificate === null
      ? null
      : createHash('sha256').update(contact.certificate).digest('hex');
  db.statement(
    `INSERT INTO contacts (address, display_name, certificate, certificate_fingerprint,
       delivered_by, source, first_seen, last_seen)
     VALUES (:address, :display_name, :certificate, :fingerprint, :delivered_by, :source, :seen,
       :seen)
     ON CONFLICT (address) DO UPDATE SET
       display_name = coalesce(excluded.display_name, display_name),
       delivered_by = CASE WHEN excluded.certificate IS NULL THEN delivered_by
         ELSE excluded.delivered_by END,
       certificate = coalesce(excluded.certificate, certificate),
       certificate_fingerprint = coalesce(excluded.certificate_fingerprint, certificate_fingerprint),
       source = excluded.source,
       first_seen = min(first_seen, excluded.first_seen),
       last_seen = max(last_seen, excluded.last_seen)`,
  ).run({
    address: contact.address,
    display_name: contact.displayName,
    certificate: contact.certificate,
    fingerprint,
    delivered_by: contact.deliveredBy,
    source: contact.source,
    seen: contact.seenAtMs,
  });
  return readContact(db, contact.address) as Contact;
}

export function readContact(db: StoreDb, address: string): Contact | undefined {
  const row = db.statement('SELECT * FROM contacts WHERE address = ?').get(address) as
    ContactRow | undefined;
  return row === undefined ? undefined : toContact(row);
}

/** Escapes LIKE's wildcards so a prefix matches only itself. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * Address prefix: a range on the primary key (addresses are lower-cased; U+10FFFF
 * sorts after any character that can follow). Name prefix: LIKE on the NOCASE index.
 */
export function findContacts(db: StoreDb, prefix: string, limit: number): Contact[] {
  const rows = db
    .statement(
      `SELECT * FROM contacts WHERE address >= :low AND address < :high
       UNION
       SELECT * FROM contacts WHERE display_name LIKE :pattern ESCAPE '\\'
       ORDER BY address LIMIT :limit`,
    )
    .all({
      low: prefix.toLowerCase(),
      high: `${prefix.toLowerCase()}\u{10FFFF}`,
      pattern: likePrefix(prefix),
      limit,
    }) as ContactRow[];
  return rows.map(toContact);
}
