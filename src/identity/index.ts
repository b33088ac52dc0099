// The public face of src/identity: issuing, keys and certificates in and out, CMS, TLS,
// validation and CA resolvers.
export * from './errors.ts';
export * from './pem.ts';
export * from './keys.ts';
export * from './csr.ts';
export * from './issue.ts';
export * from './pkcs12.ts';
export * from './cms/sign.ts';
export * from './cms/signing-pool.ts';
export * from './cms/verify.ts';
export * from './cms/encrypt.ts';
export * from './cms/decrypt.ts';
export * from './tls.ts';
export * from './validation/index.ts';
export * from './resolvers/index.ts';
export * from './message-security/index.ts';
