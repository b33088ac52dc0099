// RFC 5280 6.1.3 (b)-(c) and 6.1.4 (g): name constraints for directoryName, rfc822Name,
// dNSName, URI and IP address. Permitted subtrees are kept as layers (one per CA that
// set them) rather than intersected: a name must fall within every layer that
// constrains its kind, which is the same thing and much simpler.
import type { ParsedCertificate } from './certificate.ts';
import type { NameConstraints } from './extensions.internal.ts';
import { describeGeneralName, nameWithin, OID_EMAIL_ADDRESS, type GeneralName } from './names.ts';

/** The name-constraint state carried down a path. */
export interface NameConstraintState {
  readonly permittedLayers: readonly (readonly GeneralName[])[];
  readonly excluded: readonly GeneralName[];
}

/** No constraints (the state at the trust anchor). */
export const UNCONSTRAINED: NameConstraintState = { permittedLayers: [], excluded: [] };

/** Adds a CA certificate's nameConstraints to the state. */
export function addConstraints(
  state: NameConstraintState,
  constraints: NameConstraints | undefined,
): NameConstraintState {
  if (constraints === undefined) return state;
  return {
    permittedLayers:
      constraints.permitted.length > 0
        ? [...state.permittedLayers, constraints.permitted]
        : state.permittedLayers,
    excluded: [...state.excluded, ...constraints.excluded],
  };
}

function domainWithin(domain: string, constraint: string): boolean {
  const name = domain.toLowerCase();
  const base = constraint.toLowerCase();
  if (base === '') return true;
  if (base.startsWith('.')) return name.endsWith(base);
  return name === base || name.endsWith(`.${base}`);
}

function mailboxWithin(mailbox: string, constraint: string): boolean {
  const at = mailbox.lastIndexOf('@');
  const domain = mailbox.slice(at + 1).toLowerCase();
  if (constraint.includes('@')) {
    const constraintAt = constraint.lastIndexOf('@');
    return (
      mailbox.slice(0, at) === constraint.slice(0, constraintAt) &&
      domain === constraint.slice(constraintAt + 1).toLowerCase()
    );
  }
  // "host.example" is that host only; ".example" is any host below it (RFC 5280 4.2.1.10).
  if (constraint.startsWith('.')) return domain.endsWith(constraint.toLowerCase());
  return domain === constraint.toLowerCase();
}

function uriHost(uri: string): string | undefined {
  try {
    return new URL(uri).hostname || undefined;
  } catch {
    return undefined;
  }
}

function uriWithin(uri: string, constraint: string): boolean {
  const host = uriHost(uri);
  if (host === undefined) return false;
  if (constraint.startsWith('.')) return host.toLowerCase().endsWith(constraint.toLowerCase());
  return host.toLowerCase() === constraint.toLowerCase();
}

function ipWithin(address: Uint8Array, constraint: Uint8Array): boolean {
  const length = address.length;
  if (constraint.length !== length * 2) return false;
  for (let index = 0; index < length; index += 1) {
    const mask = constraint[length + index] ?? 0;
    if (((address[index] ?? 0) & mask) !== ((constraint[index] ?? 0) & mask)) return false;
  }
  return true;
}

/** True when `name` is within subtree `base`; undefined when they are of different kinds. */
function within(name: GeneralName, base: GeneralName): boolean | undefined {
  if (name.kind !== base.kind) return undefined;
  switch (name.kind) {
    case 'directory':
      return base.kind === 'directory' ? nameWithin(name.value, base.value) : undefined;
    case 'rfc822':
      return base.kind === 'rfc822' ? mailboxWithin(name.value, base.value) : undefined;
    case 'dns':
      return base.kind === 'dns' ? domainWithin(name.value, base.value) : undefined;
    case 'uri':
      return base.kind === 'uri' ? uriWithin(name.value, base.value) : undefined;
    case 'ip':
      return base.kind === 'ip' ? ipWithin(name.value, base.value) : undefined;
    case 'other':
      return undefined;
  }
}

/** The names of a certificate subject to name constraints. */
function constrainedNames(certificate: ParsedCertificate): GeneralName[] {
  const names: GeneralName[] = [...certificate.subjectAltNames];
  if (certificate.subject.rdns.length > 0)
    names.push({ kind: 'directory', value: certificate.subject });
  // Legacy emailAddress attributes in the subject are constrained as rfc822Names.
  for (const rdn of certificate.subject.rdns) {
    for (const attribute of rdn) {
      if (attribute.type === OID_EMAIL_ADDRESS)
        names.push({ kind: 'rfc822', value: attribute.value });
    }
  }
  return names;
}

/** The names of `certificate` that the constraints forbid, described for a reason. */
export function nameConstraintViolations(
  certificate: ParsedCertificate,
  state: NameConstraintState,
): string[] {
  const violations: string[] = [];
  for (const name of constrainedNames(certificate)) {
    const excludedBy = state.excluded.find((base) => within(name, base) === true);
    if (excludedBy !== undefined) {
      violations.push(
        `${describeGeneralName(name)} is excluded by ${describeGeneralName(excludedBy)}`,
      );
      continue;
    }
    for (const layer of state.permittedLayers) {
      const sameKind = layer.filter((base) => base.kind === name.kind);
      if (sameKind.length > 0 && !sameKind.some((base) => within(name, base) === true)) {
        violations.push(`${describeGeneralName(name)} is outside the permitted subtrees`);
        break;
      }
    }
  }
  return violations;
}
