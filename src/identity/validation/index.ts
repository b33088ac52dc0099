// Certificate validation: RFC 5280 path validation, the MT2 rules, and trust.
export { CertificateInputError, type CertificateInputErrorCode } from './errors.ts';
export { REASON_TEXT, reason, type Reason, type ReasonCode } from './reasons.ts';
export {
  parseCertificate,
  parseCertificates,
  isCa,
  isSelfIssued,
  MAX_CERTIFICATE_BYTES,
  type ParsedCertificate,
  type AlgorithmIdentifier,
} from './certificate.ts';
export {
  parseCrl,
  readCrls,
  MAX_CRL_BYTES,
  CRL_REASONS,
  type ParsedCrl,
  type CrlEntry,
} from './crl.ts';
export {
  describeGeneralName,
  type DistinguishedName,
  type GeneralName,
  type NameAttribute,
} from './names.ts';
export {
  anchorFromCertificate,
  buildPaths,
  type TrustAnchor,
  type CandidatePath,
} from './path-building.ts';
export {
  validatePath,
  type PathValidationOptions,
  type PathValidationResult,
  type RevocationMode,
} from './path-validation.ts';
export {
  PURPOSE,
  isDelegationParent,
  issuerDomainsOf,
  addressesOf,
  hostnamesOf,
  checkSubjectBinding,
  checkIssuerDelegation,
  type ExpectedIdentity,
} from './mt2-rules.ts';
export { caStoreOf, type CaStoreEntry, type LocalCaStore } from './ca-store.ts';
export {
  EMPTY_TRUST_POLICY,
  type TrustPolicy,
  type VouchList,
  type TrustAttestation,
} from './trust.ts';
export type { CaResolver, ResolvedCa } from './resolver.ts';
export { formatVerdict, type Verdict, type VerdictSource, type ChainLink } from './verdict.ts';
export {
  IdentityValidator,
  type IdentityValidatorOptions,
  type IdentityCheck,
} from './identity-validator.ts';
export { checkPeer, MAX_PEER_CHAIN_CERTIFICATES, type PeerCheck } from './peer-check.ts';
