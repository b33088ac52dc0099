// The extensions of each certificate profile (docs/identity.md lists them all).
import { contextPrimitive, sequence, contextConstructed, octetString } from './der.ts';
import type { KeyType } from './keys.ts';
import { OID_NAME_CONSTRAINTS } from './oids.ts';

/** GeneralName CHOICE tags (RFC 5280 section 4.2.1.6) as node-forge numbers them. */
const RFC822_NAME = 1;
const DNS_NAME = 2;

/** A node-forge extension description (forge fills in the DER of the known ones). */
export type ForgeExtension = Readonly<Record<string, unknown>>;

/** issuerAltName dNSName = the issuing domain: the MT2 delegation anchor. */
export function issuerAltName(domain: string): ForgeExtension {
  return { name: 'issuerAltName', altNames: [{ type: DNS_NAME, value: domain }] };
}

/**
 * nameConstraints (critical) permitting only the domain: dNSName `domain` (which covers
 * its subdomains), rfc822Name `domain` (mailboxes at the domain) and `.domain`
 * (mailboxes at any host under it). RFC 5280 section 4.2.1.10.
 */
export function domainNameConstraints(domain: string): ForgeExtension {
  const subtree = (tag: number, name: string) =>
    sequence(contextPrimitive(tag, Buffer.from(name, 'ascii')));
  const permitted = contextConstructed(
    0,
    subtree(DNS_NAME, domain),
    subtree(RFC822_NAME, domain),
    subtree(RFC822_NAME, `.${domain}`),
  );
  return {
    id: OID_NAME_CONSTRAINTS,
    critical: true,
    value: sequence(permitted).toString('binary'),
  };
}

/** Extensions of a domain CA certificate. */
export function domainCaExtensions(domain: string, pathLength: number | undefined) {
  return [
    {
      name: 'basicConstraints',
      critical: true,
      cA: true,
      ...(pathLength === undefined ? {} : { pathLenConstraint: pathLength }),
    },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
    { name: 'subjectKeyIdentifier' },
    issuerAltName(domain),
    domainNameConstraints(domain),
  ];
}

/**
 * The key identifiers of an end-entity certificate: the subject's computed from its
 * public key by the issuer (node-forge computes it for RSA keys only), the authority's
 * as node-forge gives it (a binary string).
 */
export interface KeyIdentifiers {
  readonly subject: Uint8Array;
  readonly authority: string;
}

/** Extensions every end-entity certificate shares, whatever its names and purposes. */
function endEntityExtensions(keyIds: KeyIdentifiers, domain: string): ForgeExtension[] {
  return [
    { name: 'basicConstraints', critical: true, cA: false },
    { name: 'subjectKeyIdentifier', value: octetString(keyIds.subject).toString('binary') },
    { name: 'authorityKeyIdentifier', keyIdentifier: keyIds.authority },
    issuerAltName(domain),
  ];
}

/**
 * Host certificate: dNSName = the hostname; serverAuth and clientAuth. keyEncipherment
 * for RSA keys only: RFC 5480 section 3 does not allow it with an EC key.
 */
export function hostExtensions(
  hostname: string,
  keyIds: KeyIdentifiers,
  domain: string,
  keyType: KeyType,
): ForgeExtension[] {
  return [
    ...endEntityExtensions(keyIds, domain),
    {
      name: 'keyUsage',
      critical: true,
      digitalSignature: true,
      ...(keyType === 'rsa' ? { keyEncipherment: true } : {}),
    },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: DNS_NAME, value: hostname }] },
  ];
}

/**
 * User certificate: rfc822Name = the address; emailProtection and clientAuth;
 * keyEncipherment so that CMS EnvelopedData can be addressed to it.
 */
export function userExtensions(
  address: string,
  keyIds: KeyIdentifiers,
  domain: string,
): ForgeExtension[] {
  return [
    ...endEntityExtensions(keyIds, domain),
    {
      name: 'keyUsage',
      critical: true,
      digitalSignature: true,
      nonRepudiation: true,
      keyEncipherment: true,
    },
    { name: 'extKeyUsage', emailProtection: true, clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: RFC822_NAME, value: address }] },
  ];
}
