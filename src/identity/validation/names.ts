// Distinguished names and general names: decoding, RFC 5280 7.1 comparison, and the
// text forms shown to people.
import {
  children,
  decodeOne,
  expectUniversal,
  readOid,
  readString,
  TAG,
  TAG_CLASS,
  type Tlv,
} from './der.internal.ts';
import { CertificateInputError } from './errors.ts';

/** One attribute of a relative distinguished name, e.g. CN=Alice. */
export interface NameAttribute {
  /** Attribute type OID, e.g. "2.5.4.3" for commonName. */
  readonly type: string;
  /** The value as text (string types) or as hex of its DER (other types). */
  readonly value: string;
  /** The comparison form (RFC 5280 7.1: case folded, whitespace collapsed). */
  readonly canonical: string;
}

/** A distinguished name: a sequence of RDNs, each a set of attributes. */
export interface DistinguishedName {
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** A comparison key: equal keys mean equal names under RFC 5280 7.1. */
  readonly key: string;
  /** A readable form, most significant RDN first, e.g. "C=US, O=Test, CN=Alice". */
  readonly text: string;
}

/** A GeneralName (RFC 5280 4.2.1.6), the kinds this layer understands. */
export type GeneralName =
  | { readonly kind: 'rfc822'; readonly value: string }
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string }
  | { readonly kind: 'directory'; readonly value: DistinguishedName }
  | { readonly kind: 'ip'; readonly value: Uint8Array }
  | { readonly kind: 'other'; readonly tag: number };

/** OID of the emailAddress attribute (PKCS #9), still used in legacy subject names. */
export const OID_EMAIL_ADDRESS = '1.2.840.113549.1.9.1';

const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  [OID_EMAIL_ADDRESS]: 'emailAddress',
};

function canonicalText(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function decodeAttribute(tlv: Tlv): NameAttribute {
  const [typeTlv, valueTlv] = children(expectUniversal(tlv, TAG.sequence, 'an attribute'));
  if (typeTlv === undefined || valueTlv === undefined) {
    throw new CertificateInputError('MALFORMED_DER', 'malformed DER: attribute without a value');
  }
  const type = readOid(typeTlv);
  const text = readString(valueTlv);
  const hex = Buffer.from(valueTlv.encoded).toString('hex');
  return text === undefined
    ? { type, value: `#${hex}`, canonical: `#${hex}` }
    : { type, value: text, canonical: canonicalText(text) };
}

function rdnKey(rdn: readonly NameAttribute[]): string {
  return rdn
    .map((attribute) => `${attribute.type}=${JSON.stringify(attribute.canonical)}`)
    .sort()
    .join('+');
}

/** Builds a name from RDNs (used for names relative to a CRL issuer). */
export function nameFromRdns(rdns: readonly (readonly NameAttribute[])[]): DistinguishedName {
  return {
    rdns,
    key: rdns.map(rdnKey).join(','),
    text: rdns
      .map((rdn) =>
        rdn
          .map((attribute) => `${SHORT_NAMES[attribute.type] ?? attribute.type}=${attribute.value}`)
          .join('+'),
      )
      .join(', '),
  };
}

/** Decodes a Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
export function decodeName(tlv: Tlv): DistinguishedName {
  const rdns = children(expectUniversal(tlv, TAG.sequence, 'a Name')).map((set) =>
    children(expectUniversal(set, TAG.set, 'an RDN')).map(decodeAttribute),
  );
  return nameFromRdns(rdns);
}

/** Decodes the attributes of one RDN (a SET), as in nameRelativeToCRLIssuer. */
export function decodeRdnAttributes(tlv: Tlv): NameAttribute[] {
  return children(tlv).map(decodeAttribute);
}

/** True when the two names are equal under RFC 5280 7.1. */
export function sameName(a: DistinguishedName, b: DistinguishedName): boolean {
  return a.key === b.key;
}

/** True when `base` is an RDN-wise prefix of `name` (directoryName subtrees). */
export function nameWithin(name: DistinguishedName, base: DistinguishedName): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  return base.rdns.every((rdn, index) => {
    const other = name.rdns[index];
    return other !== undefined && rdnKey(rdn) === rdnKey(other);
  });
}

function ia5(tlv: Tlv): string {
  return Buffer.from(tlv.content).toString('latin1');
}

/** Decodes one GeneralName (a context-tagged CHOICE). */
export function decodeGeneralName(tlv: Tlv): GeneralName {
  if (tlv.tagClass !== TAG_CLASS.context) return { kind: 'other', tag: -1 };
  switch (tlv.tagNumber) {
    case 1:
      return { kind: 'rfc822', value: ia5(tlv) };
    case 2:
      return { kind: 'dns', value: ia5(tlv) };
    case 4: {
      // directoryName is EXPLICIT: the Name is inside the [4] wrapper.
      const [inner] = children(tlv);
      return {
        kind: 'directory',
        value: decodeName(expectUniversal(inner, TAG.sequence, 'a Name')),
      };
    }
    case 6:
      return { kind: 'uri', value: ia5(tlv) };
    case 7:
      return { kind: 'ip', value: tlv.content };
    default:
      return { kind: 'other', tag: tlv.tagNumber };
  }
}

/** Decodes GeneralNames (a SEQUENCE, or the IMPLICIT-tagged content of one). */
export function decodeGeneralNames(tlv: Tlv): GeneralName[] {
  return children(tlv).map(decodeGeneralName);
}

/** Decodes a GeneralNames extension value (SubjectAltName, IssuerAltName, ...). */
export function decodeGeneralNamesDer(der: Uint8Array): GeneralName[] {
  return decodeGeneralNames(expectUniversal(decodeOne(der), TAG.sequence, 'GeneralNames'));
}

/** The directoryName entries of a list of general names. */
export function directoryNames(names: readonly GeneralName[]): DistinguishedName[] {
  return names.flatMap((name) => (name.kind === 'directory' ? [name.value] : []));
}

/** An IPv4 or IPv6 address, or an address/mask pair as in name constraints. */
function formatIp(bytes: Uint8Array): string {
  const one = (part: Uint8Array) =>
    part.length === 4
      ? Array.from(part).join('.')
      : Buffer.from(part)
          .toString('hex')
          .replace(/(.{4})(?!$)/g, '$1:');
  if (bytes.length === 8 || bytes.length === 32) {
    const half = bytes.length / 2;
    return `${one(bytes.subarray(0, half))}/${one(bytes.subarray(half))}`;
  }
  return one(bytes);
}

/** Readable form of a general name, e.g. "rfc822:alice@example.org". */
export function describeGeneralName(name: GeneralName): string {
  switch (name.kind) {
    case 'directory':
      return `dirName:${name.value.text}`;
    case 'ip':
      return `ip:${formatIp(name.value)}`;
    case 'other':
      return `other[${name.tag}]`;
    default:
      return `${name.kind}:${name.value}`;
  }
}
