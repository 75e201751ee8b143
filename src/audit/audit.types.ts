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
  'foreign_token',
  'gateway.upstream.put',
  'gateway.upstream.delete',
  'discovery.scan',
  'discovery.cancel',
  'discovery.connection.create',
  'discovery.connection.delete',
  'audit.chain_keyed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Per-token outcomes; `GET /v1/audit?outcome=` accepts exactly these. */
export const AUDIT_OUTCOMES = [
  'revealed',
  'masked',
  'denied',
  'unknown',
  'expired',
  'foreign',
] as const;
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
  /**
   * Hex hash of the previous row (64 zeros for the first) and of this row: HMAC-SHA-256 under the
   * audit key, or plain SHA-256 for rows written before the chain was keyed (chainVersion 1).
   */
  prevHash: string;
  hash: string;
  chainVersion: number;
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

/**
 * hash_mismatch: the row's content does not give its hash (under the audit key, for v2 rows).
 * prev_hash_mismatch: the row does not link to the one before. seq_gap: rows are missing.
 * unkeyed_link: a v1 (plain SHA-256) row where only keyed rows may be: after a keyed row, or at
 * the end of the chain with no keyed row sealing it. head_mismatch: the row at the supplied head's
 * seq has another hash. truncated: the chain ends before the supplied head's seq.
 */
export type ChainBreakReason =
  | 'hash_mismatch'
  | 'prev_hash_mismatch'
  | 'seq_gap'
  | 'unkeyed_link'
  | 'head_mismatch'
  | 'truncated';

/** A chain head as GET /v1/audit/head exports it; hmac signs tenant, seq, hash and time. */
export interface SignedChainHead {
  seq: string;
  hash: string;
  hmac: string;
  time: string;
}

export interface ChainVerification {
  intact: boolean;
  /** Rows whose hash was recomputed before the first break (all rows when intact). */
  checked: number;
  /**
   * Of the rows checked, those chained with plain SHA-256 before the chain was keyed: trustworthy
   * as far as the keyed row after them (it covers their last hash), not as to what happened to
   * them in the database before that row was written.
   */
  legacyRows: number;
  /**
   * Last row of an intact chain (null when empty). For a head to keep elsewhere, use
   * GET /v1/audit/head, whose HMAC verify can check.
   */
  head?: { seq: string; hash: string } | null;
  /** Set when a head was supplied and the chain contains it. */
  suppliedHead?: { seq: string; contained: true };
  /** id is absent when the break is a missing row (truncated). */
  firstBreak?: { seq: string; id?: string; reason: ChainBreakReason; expectedSeq?: string };
}
