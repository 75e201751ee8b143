import { DataSource } from 'typeorm';
import { namedStatement, type SqlRunner } from '../common/sql';
import type { AuditMac } from '../crypto/audit-mac';
import {
  CHAIN_VERSION,
  ChainLink,
  ChainVersion,
  GENESIS_HASH,
  linkHash,
  NormalizedEvent,
} from './audit-chain';
import { appendChained as appendRows, type StoredHead } from './audit.repository';

/** Events written per statement at most; the rest go in the next batch. */
const MAX_BATCH = 500;

/**
 * Single statements tried after the head that audit_append answered, before taking the chain lock
 * in a transaction. Two replicas appending to one tenant's chain move each other's head all the
 * time; chaining after the head the refused statement returned usually wins the next time.
 */
const OPTIMISTIC_ATTEMPTS = 3;

interface Waiter {
  event: NormalizedEvent;
  resolve(): void;
  reject(error: unknown): void;
}

interface ChainHead {
  seq: bigint;
  hash: Buffer;
}

/**
 * The tenant's chain ends in an unkeyed (v1, plain SHA-256) row while the service runs. Start-up
 * seals every such chain (AuditService.sealLegacyChains), so this means the rows were rewritten
 * in the database: chaining after them would vouch for them, so the write fails instead.
 */
export class UnkeyedChainHeadError extends Error {
  constructor() {
    super('audit chain ends in an unkeyed row');
  }
}

/** Rows chained (seq, prev_hash, hash) after `after`, and the head they leave. */
interface ChainedBatch {
  after: ChainHead;
  rows: (Omit<ChainLink, 'prevHash'> & {
    prevHash: string;
    hash: string;
    chainVersion: ChainVersion;
  })[];
  head: ChainHead;
}

interface TenantQueue {
  waiting: Waiter[];
  draining: Promise<void>;
}

/** Where AuditService appends events: the chained writer below. */
export interface AuditSink {
  append(event: NormalizedEvent): Promise<void>;
  close(): Promise<void>;
}

/**
 * Group commit: per tenant, one batch at a time; the events that arrive while it is written form
 * the next one, written by a single statement. audit_append takes the tenant's chain lock in the
 * database and appends only if the head is still the one this process last wrote; when it is not
 * (another replica wrote, or this process has not written yet), the batch goes in a transaction
 * that holds the lock while reading the head, so replicas sharing the database keep one chain.
 * A waiter settles only when its batch commits, or fails with it (then none of it was stored).
 */
export class AuditWriter implements AuditSink {
  private readonly queues = new Map<string, TenantQueue>();
  /** The head this process last wrote, per tenant. */
  private readonly heads = new Map<string, ChainHead>();

  /**
   * `db` should be a small pool of its own: a write queued behind request queries would hold up
   * every request of its batch. onFailure gets a message with counts and ids only.
   */
  /** The single-statement append, prepared once per connection of the writer's pool. */
  private readonly appendStatement: SqlRunner;

  constructor(
    private readonly db: DataSource,
    private readonly mac: AuditMac,
    private readonly onFailure: (message: string) => void,
  ) {
    this.appendStatement = namedStatement(db, 'audit-append-v2');
  }

  append(event: NormalizedEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = { event, resolve, reject };
      const queue = this.queues.get(event.tenantId);
      if (queue) {
        queue.waiting.push(waiter);
        return;
      }
      const created: TenantQueue = { waiting: [waiter], draining: Promise.resolve() };
      this.queues.set(event.tenantId, created);
      created.draining = this.drain(event.tenantId, created);
    });
  }

  /** Settles once every event appended so far has been written or rejected. */
  async close(): Promise<void> {
    while (this.queues.size > 0) {
      await Promise.all([...this.queues.values()].map((queue) => queue.draining));
    }
  }

  private async drain(tenantId: string, queue: TenantQueue): Promise<void> {
    // Yield once so events recorded in the same tick join the first batch.
    await Promise.resolve();
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_BATCH);
      try {
        const events = batch.map((waiter) => waiter.event);
        this.heads.set(tenantId, await this.write(tenantId, events));
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        this.heads.delete(tenantId);
        this.onFailure(
          `Audit write of ${batch.length} events for tenant ${tenantId} failed: ${describe(error)}`,
        );
        for (const waiter of batch) waiter.reject(error);
      }
    }
    this.queues.delete(tenantId);
  }

  /**
   * One statement when the head this process last wrote is still the head (the usual case). When
   * another writer moved it, audit_append answers the head it found: the batch is chained after
   * that one and tried again, up to OPTIMISTIC_ATTEMPTS statements (each checks the head under the
   * chain lock, so a stale guess writes nothing). Otherwise, and for this process's first write to
   * the tenant, a transaction takes the chain lock, reads the head and appends after it. Returns
   * the new head.
   */
  private async write(tenantId: string, events: NormalizedEvent[]): Promise<ChainHead> {
    let after: ChainHead | StoredHead | undefined = this.heads.get(tenantId);
    for (let attempt = 0; after && attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      assertChainableAfter(after, events);
      const chained = chainAfter(after, events, this.mac);
      after = await appendChained(this.appendStatement, tenantId, chained);
      if (after === undefined) return chained.head;
    }
    return this.db.transaction(async (tx) => {
      const current = await appendChained(tx, tenantId, chainAfter(UNKNOWN_HEAD, [], this.mac));
      assertChainableAfter(current!, events);
      const rechained = chainAfter(current!, events, this.mac);
      // Cannot happen while this transaction holds the lock; refuse rather than guess.
      if ((await appendChained(tx, tenantId, rechained)) !== undefined) {
        throw new Error('audit chain head moved under its lock');
      }
      return rechained.head;
    });
  }
}

/** Only the seal written at start-up may follow v1 rows (see UnkeyedChainHeadError). */
function assertChainableAfter(head: ChainHead | StoredHead, events: NormalizedEvent[]): void {
  if ('version' in head && head.version === 1 && events[0].action !== 'audit.chain_keyed') {
    throw new UnkeyedChainHeadError();
  }
}

/** Never a real head: appending after it writes nothing and returns the head, under the lock. */
const UNKNOWN_HEAD: ChainHead = { seq: -1n, hash: GENESIS_HASH };

function chainAfter(after: ChainHead, events: NormalizedEvent[], mac: AuditMac): ChainedBatch {
  let seq = after.seq;
  let prevHash = after.hash;
  const rows = events.map((event) => {
    seq += 1n;
    const link: ChainLink = { ...event, seq: seq.toString(), prevHash };
    const hash = linkHash(link, mac);
    prevHash = hash;
    return {
      ...link,
      prevHash: link.prevHash.toString('hex'),
      hash: hash.toString('hex'),
      chainVersion: CHAIN_VERSION,
    };
  });
  return { after, rows, head: { seq, hash: prevHash } };
}

/** Appends the batch after its `after` head; undefined when written, else the actual head. */
function appendChained(
  db: SqlRunner,
  tenantId: string,
  batch: ChainedBatch,
): Promise<StoredHead | undefined> {
  return appendRows(db, tenantId, batch.after, batch.rows);
}

/** Error class and driver code only: a driver message could quote a stored value. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return `${error.constructor.name}${typeof code === 'string' ? ` (${code})` : ''}`;
}
