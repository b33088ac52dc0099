import type { PolicyScopeKind } from '../recipient/context.ts';
import { addressKey } from '../recipient/state.ts';

/**
 * A user's default for requests: `ask` (hold for a decision; the default of every
 * extension and sender), `always` (approve automatically, but only for a verified
 * sender and never where the extension forbids it), `never` (decline silently).
 */
export type ConsentPolicy = 'ask' | 'always' | 'never';

/**
 * Where a default applies: one extension, one sender, or one sender for one extension.
 * `Name` is the registry's extension names, so a misspelt name does not compile.
 */
export type PolicyScope<Name extends string = string> =
  | { readonly kind: 'extension'; readonly extension: Name }
  | { readonly kind: 'sender'; readonly sender: string }
  | { readonly kind: 'senderExtension'; readonly sender: string; readonly extension: Name };

/** A default the user has set. */
export interface PolicyRule<Name extends string = string> {
  readonly scope: PolicyScope<Name>;
  readonly policy: ConsentPolicy;
}

/** The policy that applies to a request, and which default gave it (none: the built-in `ask`). */
export interface ResolvedPolicy {
  readonly policy: ConsentPolicy;
  readonly scope?: PolicyScopeKind;
}

/** A stable string key for `scope` (addresses compared case-insensitively). */
export function policyKey(scope: PolicyScope): string {
  switch (scope.kind) {
    case 'extension':
      return `extension:${scope.extension}`;
    case 'sender':
      return `sender:${addressKey(scope.sender)}`;
    case 'senderExtension':
      return `senderExtension:${addressKey(scope.sender)}:${scope.extension}`;
  }
}

/**
 * The policy for a request of `extension` from `sender`. The most specific default
 * wins: sender and extension, then sender, then extension, then `ask`.
 */
export function resolvePolicy(
  lookup: (key: string) => PolicyRule | undefined,
  sender: string,
  extension: string,
): ResolvedPolicy {
  const scopes: PolicyScope[] = [
    { kind: 'senderExtension', sender, extension },
    { kind: 'sender', sender },
    { kind: 'extension', extension },
  ];
  for (const scope of scopes) {
    const rule = lookup(policyKey(scope));
    if (rule !== undefined) return { policy: rule.policy, scope: scope.kind };
  }
  return { policy: 'ask' };
}
