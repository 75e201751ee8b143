/** How much of a value a caller may see. */
export type RevealLevel = 'full' | 'masked' | 'deny';

/**
 * Built-in rule until a tenant writes a policy: roles `admin` and `detokenizer` see values in
 * full; every other role is denied.
 */
const BUILTIN_FULL_ROLES = new Set(['admin', 'detokenizer']);

export function builtinRevealLevel(roles: readonly string[], _entityType: string): RevealLevel {
  return roles.some((role) => BUILTIN_FULL_ROLES.has(role)) ? 'full' : 'deny';
}
