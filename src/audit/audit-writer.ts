import { DataSource, QueryRunner } from 'typeorm';
import { ChainLink, GENESIS_HASH, linkHash, NormalizedEvent } from './audit-chain';

/** Events written per transaction at most; the rest wait for the next one. */
const MAX_BATCH = 500;

interface Waiter {
  event: NormalizedEvent;
  resolve(): void;
  reject(error: unknown): void;
}

interface ChainHead {
  seq: bigint;
  hash: Buffer;
}

interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

interface TenantQueue {
  waiting: Waiter[];
  draining: Promise<void>;
}

/**
 * Group commit: per tenant, one write at a time appends every event that arrived while the
 * previous one was being written. Writes hold a per-tenant advisory lock and check the chain head
 * under it, so replicas sharing the database extend one chain. A waiter settles only when its
 * batch commits (or fails: then every waiter of the batch is rejected and none of it was stored).
 */
export class AuditWriter {
  private readonly queues = new Map<string, TenantQueue>();
  /** The head this process last wrote, per tenant: right unless another replica wrote since. */
  private readonly heads = new Map<string, ChainHead>();
  /** A pooled connection kept for audit writes, used by one statement at a time (see lane). */
  private connection?: QueryRunner;
  private lane: Promise<unknown> = Promise.resolve();

  /** onFailure gets a message with counts and ids only. */
  constructor(
    private readonly db: DataSource,
    private readonly onFailure: (message: string) => void,
  ) {}

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

  /** Writes or rejects every event appended so far, then gives back its connection. */
  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.draining));
    await this.lane;
    await this.connection?.release();
    this.connection = undefined;
  }

  /**
   * Runs one write on the dedicated connection, after the writes before it. Under load, a write
   * queued behind request queries for a pool connection would hold up every request of its batch.
   * A failed write gives the connection back (it may be the broken part); the next takes a new one.
   */
  private onDedicated<T>(write: (connection: QueryRunner) => Promise<T>): Promise<T> {
    const run = this.lane.then(async () => {
      this.connection ??= this.db.createQueryRunner();
      try {
        return await write(this.connection);
      } catch (error) {
        const broken = this.connection;
        this.connection = undefined;
        await broken.release().catch(() => undefined);
        throw error;
      }
    });
    this.lane = run.catch(() => undefined);
    return run;
  }

  private async drain(tenantId: string, queue: TenantQueue): Promise<void> {
    // Yield once so events recorded in the same tick join the first batch.
    await Promise.resolve();
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_BATCH);
      try {
        await this.appendBatch(
          tenantId,
          batch.map((waiter) => waiter.event),
        );
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
   * One statement when the head this process last wrote is still the head (the usual case);
   * otherwise, in a transaction holding the chain lock, read the head and append after it.
   */
  private async appendBatch(tenantId: string, events: NormalizedEvent[]): Promise<void> {
    const cached = this.heads.get(tenantId);
    const fast =
      cached &&
      (await this.onDedicated((connection) => appendAfter(connection, tenantId, cached, events)));
    if (fast && fast.written) {
      this.heads.set(tenantId, fast.head);
      return;
    }
    const head = await this.db.transaction(async (tx) => {
      const current = await appendAfter(tx, tenantId, UNKNOWN_HEAD, []);
      const appended = await appendAfter(tx, tenantId, current.head, events);
      // Unreachable while this transaction holds the lock; refuse rather than guess.
      if (!appended.written) throw new Error('audit chain head moved under its lock');
      return appended.head;
    });
    this.heads.set(tenantId, head);
  }
}

/** Never a real head: appendAfter with it writes nothing and returns the head, under the lock. */
const UNKNOWN_HEAD: ChainHead = { seq: -1n, hash: GENESIS_HASH };

/**
 * Chains the events after `head` and appends them, unless `head` is no longer the chain's head:
 * then nothing is written and the actual head comes back. audit_append takes the tenant's chain
 * lock (held to the end of the transaction) and reads the head after taking it.
 */
async function appendAfter(
  db: Queryable,
  tenantId: string,
  head: ChainHead,
  events: NormalizedEvent[],
): Promise<{ written: boolean; head: ChainHead }> {
  let seq = head.seq;
  let prevHash = head.hash;
  const rows = events.map((event) => {
    seq += 1n;
    const link: ChainLink = { ...event, seq: seq.toString(), prevHash };
    const hash = linkHash(link);
    prevHash = hash;
    return { ...link, prevHash: link.prevHash.toString('hex'), hash: hash.toString('hex') };
  });
  const moved = (await db.query(
    'SELECT head_seq, head_hash FROM audit_append($1, $2, $3, $4::jsonb)',
    [tenantId, head.seq.toString(), head.hash, JSON.stringify(rows)],
  )) as { head_seq: string; head_hash: Buffer }[];
  if (moved.length > 0) {
    return { written: false, head: { seq: BigInt(moved[0].head_seq), hash: moved[0].head_hash } };
  }
  return { written: true, head: { seq, hash: prevHash } };
}

/** Error class and driver code only: a driver message could quote a stored value. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return `${error.constructor.name}${typeof code === 'string' ? ` (${code})` : ''}`;
}
