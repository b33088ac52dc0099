import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { IdentityError, MAX_CREDENTIAL_INPUT_BYTES, assertInputSize } from './errors.ts';
import { toForgeCertificate } from './forge-convert.internal.ts';
import type { Credentials } from './issue.ts';
import { toForgePrivateKey } from './keys.ts';

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
 * (DER), which `openssl pkcs12` reads. RSA keys only (node-forge writes the file).
 */
export function exportPkcs12(
  credentials: Credentials,
  passphrase: string,
  options: Pkcs12ExportOptions = {},
): Buffer {
  const certificates = [credentials.certificate, ...credentials.chain].map(toForgeCertificate);
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    toForgePrivateKey(credentials.privateKey),
    certificates,
    passphrase,
    {
      algorithm: options.legacy === true ? '3des' : 'aes256',
      generateLocalKeyId: true,
      ...(options.friendlyName === undefined ? {} : { friendlyName: options.friendlyName }),
    },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
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

/** Decodes the file; forge throws plain Errors, which are turned into typed ones here. */
function decodePkcs12(der: Buffer, passphrase: string): Pkcs12Contents {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    const wrongPassphrase = /MAC could not be verified|wrong password|Invalid password/i.test(
      message,
    );
    throw new IdentityError(
      wrongPassphrase ? 'IDENTITY_WRONG_PASSPHRASE' : 'IDENTITY_MALFORMED_INPUT',
      wrongPassphrase
        ? 'the passphrase does not open the PKCS#12 file'
        : `not a readable PKCS#12 file (${message})`,
      { cause: error },
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
