import { DataSource } from 'typeorm';
import { GENESIS_HASH, linkHash, normalizeEvent } from './audit-chain';
import type { AuditSink } from './audit-writer';
import type {
  AuditDetails,
  AuditEvent,
  AuditPage,
  AuditQuery,
  AuditRecord,
  ChainVerification,
} from './audit.types';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
/** Rows read per round trip while verifying a chain. */
const VERIFY_PAGE_SIZE = 1000;

interface AuditRow {
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
}

const COLUMNS = `id, seq, occurred_at, action, api_key_id, roles, purpose, details, prev_hash, hash`;

/**
 * The tamper-evident audit trail: append (group-committed), query, verify. Plain class, made by
 * AuditModule's factory, so tests can run it on a bare DataSource.
 */
export class AuditService {
  constructor(
    private readonly db: DataSource,
    private readonly writer: AuditSink,
  ) {}

  /** Settles once every event recorded so far has been written or rejected. */
  close(): Promise<void> {
    return this.writer.close();
  }

  /** Nest calls this before the connection pool closes. */
  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /**
   * Appends the event to its tenant's chain. Resolves once the row is committed; rejects when it
   * could not be written, and the caller must then fail its request.
   */
  async record(event: AuditEvent): Promise<void> {
    await this.writer.append(normalizeEvent(event, new Date()));
  }

  /** One page of a tenant's trail, newest first. */
  async query(query: AuditQuery): Promise<AuditPage> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
    const params: unknown[] = [query.tenantId];
    const where = ['tenant_id = $1'];
    const add = (condition: string, value: unknown) => {
      params.push(value);
      where.push(condition.replace('?', `$${params.length}`));
    };
    if (query.cursor !== undefined) add('seq < ?::bigint', query.cursor);
    if (query.from) add('occurred_at >= ?', query.from.toISOString());
    if (query.to) add('occurred_at < ?', query.to.toISOString());
    if (query.apiKeyId) add('api_key_id = ?', query.apiKeyId);
    if (query.action) add('action = ?', query.action);
    if (query.entityType || query.outcome) {
      // Both in one element: "a CREDIT_CARD token that was revealed", not one of each.
      const token = {
        ...(query.entityType ? { type: query.entityType } : {}),
        ...(query.outcome ? { outcome: query.outcome } : {}),
      };
      add('details @> ?::jsonb', JSON.stringify({ tokens: [token] }));
    }
    params.push(limit + 1);
    const rows = (await this.db.query(
      `SELECT ${COLUMNS} FROM audit_events WHERE ${where.join(' AND ')}
        ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    )) as AuditRow[];
    const page = rows.slice(0, limit);
    return {
      events: page.map(toRecord),
      nextCursor: rows.length > limit ? page[page.length - 1].seq : null,
    };
  }

  /** Walks the tenant's chain in order, page by page, and reports the first row that breaks it. */
  async verify(tenantId: string): Promise<ChainVerification> {
    let expectedSeq = 1n;
    let prevHash: Buffer = GENESIS_HASH;
    let checked = 0;
    let head: ChainVerification['head'] = null;
    for (;;) {
      const rows = (await this.db.query(
        `SELECT ${COLUMNS} FROM audit_events WHERE tenant_id = $1 AND seq >= $2::bigint
          ORDER BY seq LIMIT ${VERIFY_PAGE_SIZE}`,
        [tenantId, expectedSeq.toString()],
      )) as AuditRow[];
      for (const row of rows) {
        const reason =
          BigInt(row.seq) !== expectedSeq
            ? 'seq_gap'
            : !row.prev_hash.equals(prevHash)
              ? 'prev_hash_mismatch'
              : !linkHash(linkOf(tenantId, row)).equals(row.hash)
                ? 'hash_mismatch'
                : undefined;
        if (reason) {
          return {
            intact: false,
            checked,
            firstBreak: {
              seq: row.seq,
              id: row.id,
              reason,
              ...(reason === 'seq_gap' ? { expectedSeq: expectedSeq.toString() } : {}),
            },
          };
        }
        checked += 1;
        expectedSeq += 1n;
        prevHash = row.hash;
        head = { seq: row.seq, hash: row.hash.toString('hex') };
      }
      if (rows.length < VERIFY_PAGE_SIZE) return { intact: true, checked, head };
    }
  }
}

function linkOf(tenantId: string, row: AuditRow) {
  return {
    tenantId,
    seq: row.seq,
    occurredAt: row.occurred_at.toISOString(),
    action: row.action,
    apiKeyId: row.api_key_id,
    roles: row.roles,
    purpose: row.purpose,
    details: row.details,
    prevHash: row.prev_hash,
  };
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    seq: row.seq,
    occurredAt: row.occurred_at.toISOString(),
    action: row.action,
    apiKeyId: row.api_key_id,
    roles: row.roles,
    purpose: row.purpose,
    details: row.details,
    prevHash: row.prev_hash.toString('hex'),
    hash: row.hash.toString('hex'),
  };
}
