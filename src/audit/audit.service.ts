import { DataSource } from 'typeorm';
import { ErrorCode, VaultError } from '../common/errors';
import type { AuditMac } from '../crypto/audit-mac';
import {
  type ChainLink,
  GENESIS_HASH,
  legacyLinkHash,
  linkHash,
  normalizeEvent,
} from './audit-chain';
import type { AuditSink } from './audit-writer';
import type {
  AuditDetails,
  AuditEvent,
  AuditPage,
  AuditQuery,
  AuditRecord,
  ChainBreakReason,
  ChainVerification,
  SignedChainHead,
} from './audit.types';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
/** Rows read per round trip while verifying a chain. */
const VERIFY_PAGE_SIZE = 1000;

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

const COLUMNS = `id, seq, occurred_at, action, api_key_id, roles, purpose, details, prev_hash, hash,
  chain_version`;

/** What the rest of the process may watch of the trail, without the trail knowing who watches. */
export interface AuditHooks {
  /** An event could not be written (its caller's request fails). */
  onRecordFailure?: () => void;
}

/**
 * The tamper-evident audit trail: append (group-committed), query, verify. Plain class, made by
 * AuditModule's factory, so tests can run it on a bare DataSource.
 */
export class AuditService {
  constructor(
    private readonly db: DataSource,
    private readonly writer: AuditSink,
    private readonly mac: AuditMac,
    private readonly hooks: AuditHooks = {},
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
    try {
      await this.writer.append(normalizeEvent(event, new Date()));
    } catch (error) {
      this.hooks.onRecordFailure?.();
      throw error;
    }
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

  /**
   * Seals chains written before the chain was keyed: for each tenant whose last row is a v1
   * (plain SHA-256) row, appends a keyed `audit.chain_keyed` row. Its HMAC covers the last v1
   * hash, so from then on the v1 rows cannot be rewritten either; verify refuses v1 rows that no
   * keyed row follows. Run at start-up, before the service takes requests; while it runs, the
   * writer refuses to chain after a v1 head (UnkeyedChainHeadError), as only a rewrite makes one.
   */
  async sealLegacyChains(): Promise<number> {
    const rows = (await this.db.query(
      `SELECT t.id AS tenant_id, last.seq FROM tenants t
         CROSS JOIN LATERAL (SELECT e.seq, e.chain_version FROM audit_events e
                              WHERE e.tenant_id = t.id ORDER BY e.seq DESC LIMIT 1) last
        WHERE last.chain_version = 1`,
    )) as { tenant_id: string; seq: string }[];
    await Promise.all(
      rows.map((row) =>
        this.record({
          tenantId: row.tenant_id,
          action: 'audit.chain_keyed',
          apiKeyId: null,
          roles: [],
          details: { legacyRows: Number(row.seq) },
        }),
      ),
    );
    return rows.length;
  }

  /**
   * The tenant's current chain head, signed: HMAC under the audit key over tenant, seq, hash and
   * the time of export. An operator keeps it outside the database and hands it to verify later.
   */
  async head(tenantId: string): Promise<SignedChainHead> {
    const rows = (await this.db.query(
      `SELECT seq, hash FROM audit_events WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`,
      [tenantId],
    )) as { seq: string; hash: Buffer }[];
    const seq = rows[0]?.seq ?? '0';
    const hash = (rows[0]?.hash ?? GENESIS_HASH).toString('hex');
    const time = new Date().toISOString();
    return { seq, hash, time, hmac: this.mac.head(tenantId, seq, hash, time).toString('hex') };
  }

  /**
   * Walks the tenant's chain in order, page by page, and reports the first row that breaks it.
   * v1 rows (plain SHA-256) are accepted only as a prefix that a keyed row follows. With a
   * supplied head (from head(); a head whose HMAC is not ours is a 400), the chain must still hold
   * a row with its seq and hash: a tail cut off or rewritten since the export is a break.
   */
  async verify(tenantId: string, supplied?: SignedChainHead): Promise<ChainVerification> {
    const wanted = supplied && this.checkedHead(tenantId, supplied);
    let expectedSeq = 1n;
    let prevHash: Buffer = GENESIS_HASH;
    let checked = 0;
    let legacyRows = 0;
    let keyedSeen = false;
    let firstLegacy: AuditRow | undefined;
    let contained = wanted === undefined || wanted.seq === 0n;
    let head: ChainVerification['head'] = null;
    const broken = (
      row: { seq: string; id?: string },
      reason: ChainBreakReason,
      extra: { expectedSeq?: string } = {},
    ): ChainVerification => ({
      intact: false,
      checked,
      legacyRows,
      firstBreak: { seq: row.seq, ...(row.id ? { id: row.id } : {}), reason, ...extra },
    });
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
              : this.linkBreak(tenantId, row, keyedSeen);
        if (reason) {
          return broken(
            row,
            reason,
            reason === 'seq_gap' ? { expectedSeq: expectedSeq.toString() } : {},
          );
        }
        if (wanted && BigInt(row.seq) === wanted.seq) {
          if (!row.hash.equals(wanted.hash)) return broken(row, 'head_mismatch');
          contained = true;
        }
        if (row.chain_version === 1) {
          legacyRows += 1;
          firstLegacy ??= row;
        } else {
          keyedSeen = true;
        }
        checked += 1;
        expectedSeq += 1n;
        prevHash = row.hash;
        head = { seq: row.seq, hash: row.hash.toString('hex') };
      }
      if (rows.length < VERIFY_PAGE_SIZE) break;
    }
    // v1 rows with no keyed row after them: anyone who can write the database could have made them.
    if (firstLegacy && !keyedSeen) {
      checked = 0;
      legacyRows = 0;
      return broken(firstLegacy, 'unkeyed_link');
    }
    if (!contained) return broken({ seq: expectedSeq.toString() }, 'truncated');
    return {
      intact: true,
      checked,
      legacyRows,
      head,
      ...(supplied ? { suppliedHead: { seq: supplied.seq, contained: true as const } } : {}),
    };
  }

  /** Why the row's own hash fails, if it does; v1 rows only before any keyed row. */
  private linkBreak(
    tenantId: string,
    row: AuditRow,
    keyedSeen: boolean,
  ): ChainBreakReason | undefined {
    const link = linkOf(tenantId, row);
    if (row.chain_version === 2) {
      return linkHash(link, this.mac).equals(row.hash) ? undefined : 'hash_mismatch';
    }
    if (row.chain_version === 1 && !keyedSeen) {
      return legacyLinkHash(link).equals(row.hash) ? undefined : 'hash_mismatch';
    }
    return 'unkeyed_link';
  }

  /** The supplied head as seq and hash, once its HMAC proves this vault exported it for this tenant. */
  private checkedHead(tenantId: string, head: SignedChainHead): { seq: bigint; hash: Buffer } {
    const mac = Buffer.from(head.hmac, 'hex');
    if (!this.mac.headMatches(tenantId, head.seq, head.hash, head.time, mac)) {
      throw new VaultError(
        ErrorCode.InvalidRequest,
        'hmac does not match: this head was not exported by this vault for this tenant, or was altered',
      );
    }
    return { seq: BigInt(head.seq), hash: Buffer.from(head.hash, 'hex') };
  }
}

function linkOf(tenantId: string, row: AuditRow): ChainLink {
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
    chainVersion: row.chain_version,
  };
}
