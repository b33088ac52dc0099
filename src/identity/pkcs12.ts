import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { IdentityError, MAX_CREDENTIAL_INPUT_BYTES, assertInputSize } from './errors.ts';
import { toForgeCertificate } from './forge-convert.internal.ts';
import type { Credentials } from './issue.ts';
import { toForgePrivateKey } from './keys.ts';
import { checkPkcs12Mac, withPkcs12Mac } from './pkcs12-mac.internal.ts';

/** How to write a PKCS#12 file. */
export interface Pkcs12ExportOptions {
  /** The friendlyName of the key and certificate bags; default: none. */
  readonly friendlyName?: string;
  /**
   * Encrypt with pbeWithSHAAnd3-KeyTripleDES-CBC, which old readers (OpenSSL 1.x,
   * older Windows and macOS) understand; default false: PBES2 with AES-256-CBC.
   */
  readonly legacy?: boolean;
}

/**
 * Writes credentials (key, certificate, chain) as a password-protected PKCS#12 file
 * (DER), which `openssl pkcs12` reads: the key in a PBES2 / AES-256-CBC shrouded bag
 * (node-forge) and an HMAC-SHA-256 MAC (ours, from the passphrase as a BMPString).
 * With `legacy`, forge's 3DES bag and SHA-1 MAC throughout. RSA keys only.
 */
export function exportPkcs12(
  credentials: Credentials,
  passphrase: string,
  options: Pkcs12ExportOptions = {},
): Buffer {
  const legacy = options.legacy === true;
  const certificates = [credentials.certificate, ...credentials.chain].map(toForgeCertificate);
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    toForgePrivateKey(credentials.privateKey),
    certificates,
    // PBES2 derives its key from the passphrase's UTF-8 bytes; PKCS#12's own PBE from text.
    legacy ? passphrase : forge.util.encodeUtf8(passphrase),
    {
      algorithm: legacy ? '3des' : 'aes256',
      generateLocalKeyId: true,
      ...(options.friendlyName === undefined ? {} : { friendlyName: options.friendlyName }),
    },
  );
  const der = Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  return legacy ? der : withPkcs12Mac(der, passphrase);
}

/**
 * A SafeBag as node-forge leaves it at runtime: `key` or `cert` is null when forge
 * cannot represent it (ECDSA), and `asn1` then holds it (@types/node-forge omits this).
 */
interface ForgeSafeBag {
  readonly type: string;
  readonly key?: forge.pki.rsa.PrivateKey | null | undefined;
  readonly cert?: forge.pki.Certificate | null | undefined;
  readonly asn1?: forge.asn1.Asn1;
}

interface Pkcs12Contents {
  readonly keys: KeyObject[];
  readonly certificates: X509Certificate[];
}

/**
 * The passphrase as node-forge needs it: PKCS#12's own PBE takes it as text (forge makes
 * the BMPString), PBES2 as a byte string of its UTF-8. They differ only for non-ASCII
 * passphrases, and then both are tried.
 */
function forgePassphrases(passphrase: string): string[] {
  const utf8 = forge.util.encodeUtf8(passphrase);
  return utf8 === passphrase ? [passphrase] : [passphrase, utf8];
}

/**
 * Decodes the file. The MAC is checked here first and then removed, so forge does not
 * check it again with a passphrase form that may not suit it; once the MAC verified,
 * a failure inside forge means a file forge cannot read.
 */
function decodePkcs12(der: Buffer, passphrase: string): Pkcs12Contents {
  const pfx = checkPkcs12Mac(der, passphrase);
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(pfx.withoutMac.toString('binary')));
  let p12: forge.pkcs12.Pkcs12Pfx | undefined;
  let failure: unknown;
  for (const candidate of forgePassphrases(passphrase)) {
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, candidate);
      break;
    } catch (error) {
      failure = error;
    }
  }
  if (p12 === undefined) {
    throw new IdentityError(
      pfx.authenticated ? 'IDENTITY_MALFORMED_INPUT' : 'IDENTITY_WRONG_PASSPHRASE',
      pfx.authenticated
        ? 'the PKCS#12 file cannot be read'
        : 'the PKCS#12 file (without a MAC) does not decrypt with this passphrase',
      { cause: failure },
    );
  }
  const keys: KeyObject[] = [];
  const certificates: X509Certificate[] = [];
  for (const safeContents of p12.safeContents) {
    const bags: readonly ForgeSafeBag[] = safeContents.safeBags;
    for (const bag of bags) {
      if (bag.key !== undefined && bag.key !== null) {
        keys.push(createPrivateKey(forge.pki.privateKeyToPem(bag.key)));
      } else if (bag.cert !== undefined && bag.cert !== null) {
        certificates.push(
          new X509Certificate(Buffer.from(forge.pki.certificateToPem(bag.cert), 'ascii')),
        );
      } else if (bag.asn1 !== undefined) {
        // A key or certificate forge cannot represent (ECDSA): node:crypto reads the DER.
        const bagDer = Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'binary');
        if (bag.type === forge.pki.oids['certBag']) certificates.push(new X509Certificate(bagDer));
        else keys.push(createPrivateKey({ key: bagDer, format: 'der', type: 'pkcs8' }));
      }
    }
  }
  return { keys, certificates };
}

/** Orders the issuers of `leaf` found among `others`, nearest first; unrelated ones last. */
function orderChain(leaf: X509Certificate, others: readonly X509Certificate[]): X509Certificate[] {
  const remaining = [...others];
  const chain: X509Certificate[] = [];
  let current = leaf;
  for (;;) {
    const index = remaining.findIndex(
      (candidate) => current.checkIssued(candidate) && current.issuer !== current.subject,
    );
    const issuer = remaining[index];
    if (issuer === undefined) break;
    chain.push(issuer);
    remaining.splice(index, 1);
    current = issuer;
  }
  return [...chain, ...remaining];
}

/**
 * Reads a PKCS#12 file: OpenSSL 3's default (PBES2, AES-256-CBC), `-legacy`
 * (RC2-40 and 3DES) and our own. Returns the key, the certificate that matches it and
 * the other certificates as its chain. Errors: IDENTITY_WRONG_PASSPHRASE,
 * IDENTITY_MALFORMED_INPUT (corrupt or not PKCS#12), IDENTITY_PKCS12_INCOMPLETE (no key,
 * or no certificate for it), IDENTITY_INPUT_TOO_LARGE.
 */
export function importPkcs12(input: Uint8Array, passphrase: string): Credentials {
  assertInputSize(input, MAX_CREDENTIAL_INPUT_BYTES, 'PKCS#12 file');
  const { keys, certificates } = decodePkcs12(
    Buffer.from(input.buffer, input.byteOffset, input.byteLength),
    passphrase,
  );
  const [privateKey] = keys;
  if (privateKey === undefined || keys.length > 1) {
    throw new IdentityError(
      'IDENTITY_PKCS12_INCOMPLETE',
      `the PKCS#12 file holds ${keys.length} private keys; exactly one is needed`,
    );
  }
  const certificate = certificates.find((candidate) => candidate.checkPrivateKey(privateKey));
  if (certificate === undefined) {
    throw new IdentityError(
      'IDENTITY_PKCS12_INCOMPLETE',
      'the PKCS#12 file holds no certificate for its private key',
    );
  }
  const others = certificates.filter((candidate) => candidate !== certificate);
  return { certificate, privateKey, chain: orderChain(certificate, others) };
}
