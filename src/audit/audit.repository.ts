import { DataSource } from 'typeorm';
import { selectRows, type SqlRunner } from '../common/sql';
import type { ChainVersion } from './audit-chain';
import type { AuditDetails } from './audit.types';

/** An audit_events row as stored (tests read the table with this shape too). */
export interface AuditRow {
  id: string;
  seq: string;
  occurred_at: Date;
  action: string;
  api_key_id: string | null;
  roles: string[];
  purpose: string | null;
  details: AuditDetails;
  prev_hash: Buffer;
  hash: Buffer;
  chain_version: number;
}

/** Filters of one page of a tenant's trail (all optional but the tenant), newest first. */
export interface AuditRowFilter {
  tenantId: string;
  /** Rows with a seq below this one. */
  beforeSeq?: string;
  from?: Date;
  to?: Date;
  apiKeyId?: string;
  action?: string;
  /** A `details.tokens` element containing these fields. */
  token?: { type?: string; outcome?: string };
}

/** A chain's last row: where the next append links to. */
export interface StoredHead {
  seq: bigint;
  hash: Buffer;
  version: ChainVersion;
}

const COLUMNS = `id, seq, occurred_at, action, api_key_id, roles, purpose, details, prev_hash, hash,
  chain_version`;

/**
 * SQL for the audit_events table. Rows are appended only through the audit_append function
 * (`appendChained`), which takes the tenant's chain lock in the database.
 */
export class AuditRepository {
  constructor(private readonly db: DataSource) {}

  /** Up to `limit` rows matching the filter, newest first. */
  page(filter: AuditRowFilter, limit: number): Promise<AuditRow[]> {
    const params: unknown[] = [filter.tenantId];
    const where = ['tenant_id = $1'];
    const add = (condition: string, value: unknown) => {
      params.push(value);
      where.push(condition.replace('?', `$${params.length}`));
    };
    if (filter.beforeSeq !== undefined) add('seq < ?::bigint', filter.beforeSeq);
    if (filter.from) add('occurred_at >= ?', filter.from.toISOString());
    if (filter.to) add('occurred_at < ?', filter.to.toISOString());
    if (filter.apiKeyId) add('api_key_id = ?', filter.apiKeyId);
    if (filter.action) add('action = ?', filter.action);
    // Both in one element: "a CREDIT_CARD token that was revealed", not one of each.
    if (filter.token) add('details @> ?::jsonb', JSON.stringify({ tokens: [filter.token] }));
    params.push(limit);
    return selectRows<AuditRow>(
      this.db,
      `SELECT ${COLUMNS} FROM audit_events WHERE ${where.join(' AND ')}
        ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Up to `limit` rows of the tenant's chain from `fromSeq` on, in chain order. */
  chainFrom(tenantId: string, fromSeq: bigint, limit: number): Promise<AuditRow[]> {
    return selectRows<AuditRow>(
      this.db,
      `SELECT ${COLUMNS} FROM audit_events WHERE tenant_id = $1 AND seq >= $2::bigint
        ORDER BY seq LIMIT $3`,
      [tenantId, fromSeq.toString(), limit],
    );
  }

  /** The seq and hash of the tenant's last row; undefined for an empty chain. */
  async head(tenantId: string): Promise<{ seq: string; hash: Buffer } | undefined> {
    const rows = await selectRows<{ seq: string; hash: Buffer }>(
      this.db,
      `SELECT seq, hash FROM audit_events WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`,
      [tenantId],
    );
    return rows[0];
  }

  /** Tenants whose chain ends in an unkeyed (v1) row, with that row's seq. */
  async unkeyedChainEnds(): Promise<{ tenantId: string; seq: string }[]> {
    const rows = await selectRows<{ tenant_id: string; seq: string }>(
      this.db,
      `SELECT t.id AS tenant_id, last.seq FROM tenants t
         CROSS JOIN LATERAL (SELECT e.seq, e.chain_version FROM audit_events e
                              WHERE e.tenant_id = t.id ORDER BY e.seq DESC LIMIT 1) last
        WHERE last.chain_version = 1`,
    );
    return rows.map((row) => ({ tenantId: row.tenant_id, seq: row.seq }));
  }
}

/**
 * audit_append takes the tenant's chain lock (held to the end of the transaction), then appends
 * the rows (JSON, as the function reads them) if the head is still `after`. Returns undefined
 * when written, else the actual head. `runner` is the writer's pool or its open transaction.
 */
export async function appendChained(
  runner: SqlRunner,
  tenantId: string,
  after: { seq: bigint; hash: Buffer },
  rows: readonly object[],
): Promise<StoredHead | undefined> {
  const moved = await selectRows<{ head_seq: string; head_hash: Buffer; head_version: number }>(
    runner,
    'SELECT head_seq, head_hash, head_version FROM audit_append($1, $2, $3, $4::jsonb)',
    [tenantId, after.seq.toString(), after.hash, JSON.stringify(rows)],
  );
  if (moved.length === 0) return undefined;
  return {
    seq: BigInt(moved[0].head_seq),
    hash: moved[0].head_hash,
    version: moved[0].head_version === 1 ? 1 : 2,
  };
}
