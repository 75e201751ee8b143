import type { DetectOptions } from '../detection';
import { parse as parseDuration, toSeconds } from 'iso8601-duration';

export type RevealLevel = 'full' | 'masked' | 'deny';
export type TokenFormat = 'placeholder' | 'format_preserving' | 'mask' | 'redact';

export const REVEAL_LEVELS: readonly RevealLevel[] = ['full', 'masked', 'deny'];
export const TOKEN_FORMATS: readonly TokenFormat[] = [
  'placeholder',
  'format_preserving',
  'mask',
  'redact',
];

export interface CustomRecognizerRule {
  type: string;
  pattern: string;
  score: number;
  context?: string[];
}

export interface DetectionRules {
  entities?: string[];
  minScore?: number;
  allowList?: string[];
  denyList?: string[];
  recognizers?: CustomRecognizerRule[];
}

export interface TokenRule {
  format?: TokenFormat;
  /** format_preserving: trailing characters kept as they are (cards: the last four). */
  keepLast?: number;
  /** ISO 8601 duration, e.g. P30D; tokens answer "expired" afterwards. */
  ttl?: string;
}

export interface PolicyLimits {
  /** Values a key holding the role may reveal (or see masked) per hour, keyed by role. */
  revealBudgetPerHour?: Record<string, number>;
}

/** A tenant's policy: what to detect, how to tokenize each type, which role sees what. */
export interface PolicyDocument {
  detection?: DetectionRules;
  /** Keyed by entity type, or `default` for every type without its own rule. */
  tokens?: Record<string, TokenRule>;
  /** Keyed by role, then by entity type or `*`. */
  access?: Record<string, Record<string, RevealLevel>>;
  limits?: PolicyLimits;
  /**
   * Roles that may name this policy on tokenize and detect (admins always may). Naming a policy
   * never changes reveal levels or budgets: those come from the tenant's `default` policy.
   */
  callers?: string[];
}

/** The rule for one entity type after merging `default` with the type's own rule. */
export interface ResolvedTokenRule {
  format: TokenFormat;
  keepLast: number;
  ttlSeconds: number | null;
}

export const BUILTIN_POLICY: PolicyDocument = {
  detection: {},
  tokens: { default: { format: 'placeholder' } },
  access: { admin: { '*': 'full' } },
};

export function tokenRuleFor(policy: PolicyDocument, entityType: string): ResolvedTokenRule {
  const merged = { ...policy.tokens?.default, ...policy.tokens?.[entityType] };
  return {
    format: merged.format ?? 'placeholder',
    keepLast: merged.keepLast ?? 0,
    ttlSeconds: merged.ttl ? ttlSeconds(merged.ttl) : null,
  };
}

/** Seconds in an ISO 8601 duration (P30D, PT12H, P1DT2H); throws on a malformed one. */
export function ttlSeconds(duration: string): number {
  return toSeconds(parseDuration(duration));
}

const RANK: Record<RevealLevel, number> = { deny: 0, masked: 1, full: 2 };

/**
 * The most permissive level any of the caller's roles grants for this type: a role's rule for the
 * type wins over its `*`; a role the policy does not name grants nothing.
 */
export function revealLevelFor(
  policy: PolicyDocument,
  roles: readonly string[],
  entityType: string,
): RevealLevel {
  let best: RevealLevel = 'deny';
  for (const role of roles) {
    // Own properties only: a role named `constructor` must not find Object's.
    const rules =
      policy.access && Object.hasOwn(policy.access, role) ? policy.access[role] : undefined;
    const level = rules?.[entityType] ?? rules?.['*'];
    if (level && RANK[level] > RANK[best]) best = level;
  }
  return best;
}

/**
 * The hourly reveal budget the policy gives these roles: the largest any of them is given (as
 * with reveal levels, the most permissive role wins); undefined when it names none of them.
 */
export function revealBudgetFor(
  policy: PolicyDocument,
  roles: readonly string[],
): number | undefined {
  const budgets = policy.limits?.revealBudgetPerHour;
  if (!budgets) return undefined;
  let best: number | undefined;
  for (const role of roles) {
    const budget = Object.hasOwn(budgets, role) ? budgets[role] : undefined;
    if (budget !== undefined && (best === undefined || budget > best)) best = budget;
  }
  return best;
}

/** Detection options a policy implies, narrowed further by the types a request asks for. */
export function detectOptionsFor(
  policy: PolicyDocument,
  requested?: readonly string[],
): DetectOptions {
  const rules = policy.detection ?? {};
  const entities =
    rules.entities && requested
      ? requested.filter((t) => rules.entities!.includes(t))
      : (requested ?? rules.entities);
  return {
    entities,
    minScore: rules.minScore,
    allowList: rules.allowList,
    denyList: rules.denyList,
    customRecognizers: rules.recognizers,
  };
}

/** Every role the policy names: in `access`, in `limits` and in `callers`. */
export function rolesNamedBy(policy: PolicyDocument): string[] {
  return [
    ...Object.keys(policy.access ?? {}),
    ...Object.keys(policy.limits?.revealBudgetPerHour ?? {}),
    ...(policy.callers ?? []),
  ];
}

/** True when any token rule of the policy mints format-preserving tokens. */
export function usesFormatPreserving(policy: PolicyDocument): boolean {
  return Object.values(policy.tokens ?? {}).some((rule) => rule.format === 'format_preserving');
}
