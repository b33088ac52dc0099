// RFC 5280 6.1 certificate policy processing: the valid_policy_tree with
// explicit_policy, policy_mapping and inhibit_anyPolicy, for the default inputs
// (user_initial_policy_set = {anyPolicy}, no initial explicit policy, mapping allowed,
// anyPolicy allowed). Steps are named as in the RFC.
import { isSelfIssued, type ParsedCertificate } from './certificate.ts';
import {
  children,
  decodeOne,
  expectUniversal,
  isContext,
  readOid,
  readSmallInteger,
  TAG,
} from './der.internal.ts';
import { OID } from './extensions.internal.ts';
import { reason, type Reason } from './reasons.ts';

/** The special policy OID that stands for every policy. */
export const ANY_POLICY = '2.5.29.32.0';

interface PolicyNode {
  readonly validPolicy: string;
  expectedPolicySet: Set<string>;
  readonly parent: PolicyNode | undefined;
  readonly children: PolicyNode[];
}

function extensionValue(certificate: ParsedCertificate, oid: string): Uint8Array | undefined {
  return certificate.extensions.find((extension) => extension.oid === oid)?.value;
}

function policiesOf(certificate: ParsedCertificate): string[] | undefined {
  const value = extensionValue(certificate, OID.certificatePolicies);
  if (value === undefined) return undefined;
  return children(expectUniversal(decodeOne(value), TAG.sequence, 'certificatePolicies')).map(
    (information) =>
      readOid(
        children(expectUniversal(information, TAG.sequence, 'PolicyInformation'))[0] ?? information,
      ),
  );
}

function mappingsOf(certificate: ParsedCertificate): [string, string][] {
  const value = extensionValue(certificate, OID.policyMappings);
  if (value === undefined) return [];
  return children(expectUniversal(decodeOne(value), TAG.sequence, 'policyMappings')).map(
    (mapping) => {
      const [issuerPolicy, subjectPolicy] = children(mapping);
      if (issuerPolicy === undefined || subjectPolicy === undefined)
        return [ANY_POLICY, ANY_POLICY];
      return [readOid(issuerPolicy), readOid(subjectPolicy)];
    },
  );
}

function implicitInteger(content: Uint8Array): number {
  let value = 0;
  for (const octet of content.subarray(0, 4)) value = value * 256 + octet;
  return value;
}

function constraintsOf(certificate: ParsedCertificate): {
  requireExplicit?: number;
  inhibitMapping?: number;
} {
  const value = extensionValue(certificate, OID.policyConstraints);
  if (value === undefined) return {};
  const result: { requireExplicit?: number; inhibitMapping?: number } = {};
  for (const part of children(
    expectUniversal(decodeOne(value), TAG.sequence, 'policyConstraints'),
  )) {
    if (isContext(part, 0)) result.requireExplicit = implicitInteger(part.content);
    if (isContext(part, 1)) result.inhibitMapping = implicitInteger(part.content);
  }
  return result;
}

function inhibitAnyPolicyOf(certificate: ParsedCertificate): number | undefined {
  const value = extensionValue(certificate, OID.inhibitAnyPolicy);
  return value === undefined ? undefined : readSmallInteger(decodeOne(value));
}

/** Policy state for one path of `length` certificates. */
export class PolicyProcessor {
  #root: PolicyNode | undefined = {
    validPolicy: ANY_POLICY,
    expectedPolicySet: new Set([ANY_POLICY]),
    parent: undefined,
    children: [],
  };
  #explicitPolicy: number;
  #policyMapping: number;
  #inhibitAnyPolicy: number;
  readonly #length: number;

  constructor(length: number) {
    this.#length = length;
    this.#explicitPolicy = length + 1;
    this.#policyMapping = length + 1;
    this.#inhibitAnyPolicy = length + 1;
  }

  #level(depth: number): PolicyNode[] {
    let nodes = this.#root === undefined ? [] : [this.#root];
    for (let level = 0; level < depth; level += 1) nodes = nodes.flatMap((node) => node.children);
    return nodes;
  }

  /** Deletes nodes above `depth` (shallower) that have no children, bottom up. */
  #prune(depth: number): void {
    for (let level = depth - 2; level >= 0; level -= 1) {
      for (const node of this.#level(level)) {
        for (const child of [...node.children]) {
          if (child.children.length === 0) node.children.splice(node.children.indexOf(child), 1);
        }
      }
    }
    if (this.#root !== undefined && depth > 0 && this.#root.children.length === 0)
      this.#root = undefined;
  }

  #addChild(parent: PolicyNode, validPolicy: string, expected: Set<string>): void {
    parent.children.push({ validPolicy, expectedPolicySet: expected, parent, children: [] });
  }

  /** 6.1.3 (d)-(f) for certificate `index` (1-based). */
  processCertificate(certificate: ParsedCertificate, index: number): Reason[] {
    const policies = policiesOf(certificate);
    if (policies !== undefined && this.#root !== undefined) {
      const parents = this.#level(index - 1);
      for (const policy of policies.filter((oid) => oid !== ANY_POLICY)) {
        const matching = parents.filter((node) => node.expectedPolicySet.has(policy));
        if (matching.length > 0) {
          for (const node of matching) this.#addChild(node, policy, new Set([policy]));
        } else {
          for (const node of parents.filter((candidate) => candidate.validPolicy === ANY_POLICY)) {
            this.#addChild(node, policy, new Set([policy]));
          }
        }
      }
      const last = index === this.#length;
      if (
        policies.includes(ANY_POLICY) &&
        (this.#inhibitAnyPolicy > 0 || (!last && isSelfIssued(certificate)))
      ) {
        for (const node of parents) {
          for (const expected of node.expectedPolicySet) {
            if (!node.children.some((child) => child.validPolicy === expected)) {
              this.#addChild(node, expected, new Set([expected]));
            }
          }
        }
      }
      this.#prune(index);
      if (this.#level(index).length === 0) this.#root = undefined;
    } else if (policies === undefined) {
      this.#root = undefined;
    }
    if (this.#explicitPolicy <= 0 && this.#root === undefined) {
      return [reason('NO_VALID_POLICY', undefined, certificate.subject.text)];
    }
    return [];
  }

  /** 6.1.4 (a)-(b) and (h)-(j), for a CA certificate `index` below the anchor. */
  prepareNext(certificate: ParsedCertificate, index: number): Reason[] {
    const mappings = mappingsOf(certificate);
    if (mappings.some(([from, to]) => from === ANY_POLICY || to === ANY_POLICY)) {
      return [
        reason('INVALID_POLICY_MAPPING', 'anyPolicy cannot be mapped', certificate.subject.text),
      ];
    }
    const mappedFrom = new Map<string, Set<string>>();
    for (const [from, to] of mappings)
      mappedFrom.set(from, new Set([...(mappedFrom.get(from) ?? []), to]));
    for (const [issuerPolicy, subjectPolicies] of mappedFrom) {
      const level = this.#level(index);
      if (this.#policyMapping > 0) {
        const nodes = level.filter((node) => node.validPolicy === issuerPolicy);
        if (nodes.length > 0) {
          for (const node of nodes) node.expectedPolicySet = new Set(subjectPolicies);
        } else {
          const any = level.find((node) => node.validPolicy === ANY_POLICY);
          if (any?.parent !== undefined)
            this.#addChild(any.parent, issuerPolicy, new Set(subjectPolicies));
        }
      } else {
        for (const node of level.filter((candidate) => candidate.validPolicy === issuerPolicy)) {
          node.parent?.children.splice(node.parent.children.indexOf(node), 1);
        }
        this.#prune(index);
      }
    }
    if (!isSelfIssued(certificate)) {
      if (this.#explicitPolicy > 0) this.#explicitPolicy -= 1;
      if (this.#policyMapping > 0) this.#policyMapping -= 1;
      if (this.#inhibitAnyPolicy > 0) this.#inhibitAnyPolicy -= 1;
    }
    const constraints = constraintsOf(certificate);
    if (constraints.requireExplicit !== undefined) {
      this.#explicitPolicy = Math.min(this.#explicitPolicy, constraints.requireExplicit);
    }
    if (constraints.inhibitMapping !== undefined) {
      this.#policyMapping = Math.min(this.#policyMapping, constraints.inhibitMapping);
    }
    const inhibitAny = inhibitAnyPolicyOf(certificate);
    if (inhibitAny !== undefined)
      this.#inhibitAnyPolicy = Math.min(this.#inhibitAnyPolicy, inhibitAny);
    return [];
  }

  /** 6.1.5 (a)-(b) and (g) for the target certificate. */
  wrapUp(certificate: ParsedCertificate): Reason[] {
    if (this.#explicitPolicy > 0) this.#explicitPolicy -= 1;
    if (constraintsOf(certificate).requireExplicit === 0) this.#explicitPolicy = 0;
    if (this.#explicitPolicy <= 0 && this.#root === undefined) {
      return [
        reason(
          'NO_VALID_POLICY',
          'the chain requires an explicit policy',
          certificate.subject.text,
        ),
      ];
    }
    return [];
  }
}
