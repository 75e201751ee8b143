/** What the audit trail records. Callers build an AuditEvent; values of user data never go in. */

/** Actions the trail knows; `GET /v1/audit?action=` accepts exactly these. */
export const AUDIT_ACTIONS = [
  'detokenize',
  'policy.put',
  'policy.delete',
  'api_key.create',
  'api_key.revoke',
  'forget',
  'reveal_budget_exceeded',
  'unknown_tokens_exceeded',
  'discovery.scan',
  'discovery.cancel',
  'discovery.connection.create',
  'discovery.connection.delete',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Per-token outcomes; `GET /v1/audit?outcome=` accepts exactly these. */
export const AUDIT_OUTCOMES = ['revealed', 'masked', 'denied', 'unknown', 'expired'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One token a request touched: the token and its type, never its value. */
export interface AuditTokenEntry {
  token: string;
  type: string | null;
  outcome: AuditOutcome;
}

/**
 * Free-form facts about the event (ids, names, counts). By convention `tokens` lists the tokens
 * an event touched; the `type` and `outcome` filters of the query look there.
 */
export interface AuditDetails {
  tokens?: AuditTokenEntry[];
  [key: string]: JsonValue | AuditTokenEntry[] | undefined;
}

/** What a caller hands to AuditService.record. */
export interface AuditEvent {
  tenantId: string;
  action: AuditAction;
  /** The API key that acted (null for the system itself). */
  apiKeyId: string | null;
  roles: readonly string[];
  /** The caller's stated reason, when given. */
  purpose?: string | null;
  details?: AuditDetails;
}

/** One stored row of the trail, as the query returns it. */
export interface AuditRecord {
  id: string;
  seq: string;
  occurredAt: string;
  action: string;
  apiKeyId: string | null;
  roles: string[];
  purpose: string | null;
  details: AuditDetails;
  /** Hex SHA-256 of the previous row (64 zeros for the first) and of this row. */
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  tenantId: string;
  /** Inclusive lower bound on occurredAt. */
  from?: Date;
  /** Exclusive upper bound on occurredAt. */
  to?: Date;
  apiKeyId?: string;
  entityType?: string;
  outcome?: AuditOutcome;
  action?: AuditAction;
  /** Page size: default 100, at most 1000. */
  limit?: number;
  /** nextCursor of the previous page. */
  cursor?: string;
}

/** Newest first; nextCursor is set when older rows remain. */
export interface AuditPage {
  events: AuditRecord[];
  nextCursor: string | null;
}

export type ChainBreakReason = 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap';

export interface ChainVerification {
  intact: boolean;
  /** Rows whose hash was recomputed before the first break (all rows when intact). */
  checked: number;
  /**
   * Last row of an intact chain (null when empty). Keep it elsewhere: a later verify whose chain
   * no longer contains this seq and hash shows that the tail was cut off.
   */
  head?: { seq: string; hash: string } | null;
  firstBreak?: { seq: string; id: string; reason: ChainBreakReason; expectedSeq?: string };
}
