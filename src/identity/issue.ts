import { createHash, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { parseCsr } from './csr.ts';
import { TAG, expectUniversal, nullElement, oid, readDer, sequence, tlv } from './der.ts';
import { IdentityError } from './errors.ts';
import { fromForgeCertificate, toForgeCertificate } from './forge-convert.internal.ts';
import {
  generatePrivateKey,
  generateRsaPrivateKey,
  publicKeyOf,
  toForgePrivateKey,
  type KeyType,
} from './keys.ts';
import { OID_SHA256_WITH_RSA } from './oids.ts';
import { addressForDomain, hostnameForDomain, normalizeDnsName } from './names.internal.ts';
import {
  domainCaExtensions,
  hostExtensions,
  userExtensions,
  type ForgeExtension,
  type KeyIdentifiers,
} from './profiles.internal.ts';

/** A certificate with its private key and the CA certificates above it (nearest first). */
export interface Credentials {
  readonly certificate: X509Certificate;
  readonly privateKey: KeyObject;
  /** Issuer certificates, nearest first; empty for a self-signed CA. */
  readonly chain: readonly X509Certificate[];
}

/** A domain CA: its credentials and the domain it may certify names under. */
export interface DomainCa extends Credentials {
  /** Lower-case DNS name; its issuerAltName dNSName and name constraints. */
  readonly domain: string;
}

/** Validity of a new certificate. */
export interface ValidityOptions {
  /** Start of validity; default: 5 minutes before now (clock skew between hosts). */
  readonly notBefore?: Date;
  /** End of validity; default: notBefore plus the profile's lifetime. */
  readonly notAfter?: Date;
}

/** Default lifetime of a domain CA, in days (10 years). */
export const CA_LIFETIME_DAYS = 3650;
/** Default lifetime of host and user certificates, in days (CA/B Forum's 397). */
export const END_ENTITY_LIFETIME_DAYS = 397;
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A positive random 128-bit serial number, as hex (RFC 5280 section 4.1.2.2). */
function randomSerialHex(): string {
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x10;
  return serial.toString('hex');
}

function setValidity(
  certificate: forge.pki.Certificate,
  validity: ValidityOptions,
  lifetimeDays: number,
): void {
  const notBefore = validity.notBefore ?? new Date(Date.now() - CLOCK_SKEW_MS);
  certificate.validity.notBefore = notBefore;
  certificate.validity.notAfter =
    validity.notAfter ?? new Date(notBefore.getTime() + lifetimeDays * DAY_MS);
}

/** Options of a new domain CA. */
export interface DomainCaOptions extends ValidityOptions {
  /** The domain, e.g. `example.com`. */
  readonly domain: string;
  /** basicConstraints pathLenConstraint; default: none (the CA may delegate to sub-CAs). */
  readonly pathLength?: number;
}

/**
 * Creates a self-signed domain CA: subject CN = the domain, basicConstraints cA
 * (critical), keyUsage keyCertSign and cRLSign (critical), subjectKeyIdentifier,
 * issuerAltName dNSName = the domain, nameConstraints (critical) limiting it to the
 * domain's DNS names and mailboxes. RSA-2048, SHA-256.
 */
export async function createDomainCa(options: DomainCaOptions): Promise<DomainCa> {
  const domain = normalizeDnsName(options.domain);
  const privateKey = await generateRsaPrivateKey();
  const forgeKey = toForgePrivateKey(privateKey);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  certificate.serialNumber = randomSerialHex();
  setValidity(certificate, options, CA_LIFETIME_DAYS);
  const subject = [{ name: 'commonName', value: domain }];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions(domainCaExtensions(domain, options.pathLength));
  certificate.sign(forgeKey, forge.md.sha256.create());
  return { certificate: fromForgeCertificate(certificate), privateKey, chain: [], domain };
}

/**
 * Turns credentials read from files into a DomainCa: the certificate must be a CA
 * certificate matching the key, and its issuerAltName dNSName names the domain.
 * Errors: IDENTITY_KEY_MISMATCH, IDENTITY_ISSUE_REFUSED (not a domain CA).
 */
export function domainCaFrom(credentials: Credentials): DomainCa {
  const { certificate, privateKey } = credentials;
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new IdentityError('IDENTITY_KEY_MISMATCH', 'the key does not belong to the CA');
  }
  const issuerAltName = toForgeCertificate(certificate).getExtension('issuerAltName') as
    | { readonly altNames?: readonly { readonly type: number; readonly value: string }[] }
    | undefined;
  const domain = issuerAltName?.altNames?.find((name) => name.type === 2)?.value;
  if (!certificate.ca || domain === undefined) {
    throw new IdentityError(
      'IDENTITY_ISSUE_REFUSED',
      `${certificate.subject} is not a domain CA (cA and issuerAltName dNSName)`,
    );
  }
  return { ...credentials, domain: normalizeDnsName(domain) };
}

/** RFC 5280 section 4.2.1.2 (1): SHA-1 of the subjectPublicKey BIT STRING's value. */
function subjectKeyIdentifier(spki: Uint8Array): Uint8Array {
  const [, subjectPublicKey] = readDer(spki).children;
  const bits = expectUniversal(subjectPublicKey, TAG.BIT_STRING, 'a subjectPublicKey');
  return createHash('sha1').update(bits.content.subarray(1)).digest();
}

// node-forge's TBSCertificate has no version-less form: version, serial, signature,
// issuer, validity, subject, then subjectPublicKeyInfo.
const TBS_SPKI_INDEX = 6;

/** node-forge's TBSCertificate builder (public at run time, missing from its types). */
const getTbsCertificate = (
  forge.pki as unknown as {
    readonly getTBSCertificate: (certificate: forge.pki.Certificate) => forge.asn1.Asn1;
  }
).getTBSCertificate;

function keyTypeOf(publicKey: KeyObject): KeyType {
  const type = publicKey.asymmetricKeyType;
  if (type === 'rsa' || type === 'ec') return type;
  throw new IdentityError(
    'IDENTITY_UNSUPPORTED_KEY',
    `certificates are issued for RSA and EC keys, not ${type ?? 'this key'}`,
  );
}

/**
 * Signs a certificate for `publicKey` (RSA or EC) under `ca` (RSA, SHA-256) with the
 * given subject CN and extensions. node-forge builds the TBSCertificate (names, validity,
 * extensions) but writes RSA keys only, so it is built around the CA's own key, whose
 * SubjectPublicKeyInfo is then replaced by the subject's (node:crypto's DER), and
 * node:crypto signs it.
 */
function signUnderCa(
  ca: DomainCa,
  publicKey: KeyObject,
  commonName: string,
  extensions: (keyIds: KeyIdentifiers) => ForgeExtension[],
  validity: ValidityOptions,
): X509Certificate {
  const caCertificate = toForgeCertificate(ca.certificate);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = caCertificate.publicKey;
  certificate.serialNumber = randomSerialHex();
  setValidity(certificate, validity, END_ENTITY_LIFETIME_DAYS);
  const notAfterCa = caCertificate.validity.notAfter;
  if (certificate.validity.notAfter > notAfterCa) certificate.validity.notAfter = notAfterCa;
  certificate.setSubject([{ name: 'commonName', value: commonName }]);
  certificate.setIssuer(caCertificate.subject.attributes);
  const authority = caCertificate.generateSubjectKeyIdentifier().getBytes();
  certificate.setExtensions(extensions({ subject: subjectKeyIdentifier(spki), authority }));
  certificate.siginfo.algorithmOid = OID_SHA256_WITH_RSA;
  const tbs = getTbsCertificate(certificate);
  const fields = tbs.value;
  if (!Array.isArray(fields) || fields.length <= TBS_SPKI_INDEX) {
    throw new Error('node-forge built a TBSCertificate of an unexpected shape');
  }
  fields[TBS_SPKI_INDEX] = forge.asn1.fromDer(spki.toString('binary'));
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, ca.privateKey);
  const signatureValue = tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), signature]));
  const algorithm = sequence(oid(OID_SHA256_WITH_RSA), nullElement());
  return new X509Certificate(sequence(tbsDer, algorithm, signatureValue));
}

/** Options of a host certificate. */
export interface HostCertificateOptions extends ValidityOptions {
  /** The host's DNS name; must be the CA's domain or under it. */
  readonly hostname: string;
  /** The host's public key (RSA or EC). */
  readonly publicKey: KeyObject;
}

/**
 * Issues a host certificate: subject CN and subjectAltName dNSName = the hostname,
 * extKeyUsage serverAuth and clientAuth, keyUsage digitalSignature and keyEncipherment.
 * IDENTITY_ISSUE_REFUSED when the hostname is not under the CA's domain.
 */
export function issueHostCertificate(
  ca: DomainCa,
  options: HostCertificateOptions,
): X509Certificate {
  const hostname = hostnameForDomain(options.hostname, ca.domain);
  return signUnderCa(
    ca,
    options.publicKey,
    hostname,
    (keyIds) => hostExtensions(hostname, keyIds, ca.domain, keyTypeOf(options.publicKey)),
    options,
  );
}

/** Options of a user certificate signed from a CSR. */
export interface UserCertificateOptions extends ValidityOptions {
  /** The address the CA certifies (it decides, not the CSR); must be under its domain. */
  readonly address: string;
}

/**
 * Signs a user's CSR (made on the client with createCsr): subject CN from the CSR,
 * subjectAltName rfc822Name = the address, extKeyUsage emailProtection and clientAuth.
 * Errors: those of parseCsr; IDENTITY_ISSUE_REFUSED when the address is outside the
 * CA's domain or the CSR asks for a different address.
 */
export function issueUserCertificate(
  ca: DomainCa,
  csrPem: string,
  options: UserCertificateOptions,
): X509Certificate {
  const address = addressForDomain(options.address, ca.domain);
  const csr = parseCsr(csrPem);
  const other = csr.requestedAddresses.find(
    (requested) => requested.toLowerCase() !== address.toLowerCase(),
  );
  if (other !== undefined) {
    throw new IdentityError(
      'IDENTITY_ISSUE_REFUSED',
      `the CSR asks for ${other}, the CA certifies ${address}`,
    );
  }
  return signUnderCa(
    ca,
    csr.publicKey,
    csr.commonName ?? address,
    (keyIds) => userExtensions(address, keyIds, ca.domain),
    options,
  );
}

/** Options of createHostCredentials. */
export interface HostCredentialsOptions extends ValidityOptions {
  /** The host key's type; default `rsa`. ECDSA P-256 (`ec`) signs trace entries about 20x cheaper. */
  readonly keyType?: KeyType;
}

/**
 * Makes a host's key pair and host certificate in one step (the host's own key; for a
 * CA that runs on the host itself, as the embedded mt2d does).
 */
export async function createHostCredentials(
  ca: DomainCa,
  hostname: string,
  options: HostCredentialsOptions = {},
): Promise<Credentials> {
  const { keyType = 'rsa', ...validity } = options;
  const privateKey = await generatePrivateKey(keyType);
  const certificate = issueHostCertificate(ca, {
    ...validity,
    hostname,
    publicKey: publicKeyOf(privateKey),
  });
  return { certificate, privateKey, chain: [ca.certificate] };
}

/** Options of a host's process user certificate. */
export interface ProcessCredentialsOptions extends ValidityOptions {
  /** The local part naming the process; default `mt2d`. */
  readonly process?: string;
  /** The address's domain; default: the CA's domain. */
  readonly domain?: string;
}

/**
 * Makes the process@domain user certificate a host signs its error and control
 * messages with (slides: identity types), with a fresh key. It is an ordinary user
 * certificate: rfc822Name = process@domain.
 */
export async function createProcessCredentials(
  ca: DomainCa,
  options: ProcessCredentialsOptions = {},
): Promise<Credentials> {
  const address = addressForDomain(
    `${options.process ?? 'mt2d'}@${options.domain ?? ca.domain}`,
    ca.domain,
  );
  const privateKey = await generateRsaPrivateKey();
  const certificate = signUnderCa(
    ca,
    publicKeyOf(privateKey),
    address,
    (keyIds) => userExtensions(address, keyIds, ca.domain),
    options,
  );
  return { certificate, privateKey, chain: [ca.certificate] };
}
