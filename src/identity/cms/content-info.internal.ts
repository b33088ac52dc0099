// ContentInfo (RFC 5652 section 3): the outer wrapper of every CMS object.
import { contextConstructed, oid, readDer, readOid, sequence, type DerNode } from '../der.ts';
import { assertInputSize, IdentityError, MAX_CMS_INPUT_BYTES } from '../errors.ts';

/** Wraps an encoded content (SignedData, EnvelopedData) in a ContentInfo. */
export function wrapContentInfo(contentType: string, content: Uint8Array): Buffer {
  return sequence(oid(contentType), contextConstructed(0, content));
}

/**
 * Reads a ContentInfo and returns its content, which must be of `contentType`.
 * Errors: IDENTITY_INPUT_TOO_LARGE, IDENTITY_MALFORMED_INPUT, CMS_WRONG_CONTENT_TYPE.
 */
export function unwrapContentInfo(der: Uint8Array, contentType: string, what: string): DerNode {
  assertInputSize(der, MAX_CMS_INPUT_BYTES, 'CMS input');
  const contentInfo = readDer(der);
  const type = readOid(contentInfo.children[0]);
  if (type !== contentType) {
    throw new IdentityError(
      'CMS_WRONG_CONTENT_TYPE',
      `expected ${what}, found content type ${type}`,
    );
  }
  const content = contentInfo.children[1]?.children[0];
  if (content === undefined) {
    throw new IdentityError('IDENTITY_MALFORMED_INPUT', `${what} without content`);
  }
  return content;
}
