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
import { AuditRepository, type AuditRow } from './audit.repository';
import type {
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

export type { AuditRow } from './audit.repository';

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
  private readonly rows: AuditRepository;

  constructor(
    db: DataSource,
    private readonly writer: AuditSink,
    private readonly mac: AuditMac,
    private readonly hooks: AuditHooks = {},
  ) {
    this.rows = new AuditRepository(db);
  }

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
    const token =
      query.entityType || query.outcome
        ? {
            ...(query.entityType ? { type: query.entityType } : {}),
            ...(query.outcome ? { outcome: query.outcome } : {}),
          }
        : undefined;
    const rows = await this.rows.page(
      {
        tenantId: query.tenantId,
        beforeSeq: query.cursor,
        from: query.from,
        to: query.to,
        apiKeyId: query.apiKeyId,
        action: query.action,
        token,
      },
      limit + 1,
    );
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
    const rows = await this.rows.unkeyedChainEnds();
    await Promise.all(
      rows.map((row) =>
        this.record({
          tenantId: row.tenantId,
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
    const last = await this.rows.head(tenantId);
    const seq = last?.seq ?? '0';
    const hash = (last?.hash ?? GENESIS_HASH).toString('hex');
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
      const rows = await this.rows.chainFrom(tenantId, expectedSeq, VERIFY_PAGE_SIZE);
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
