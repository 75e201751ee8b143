import { DataSource, EntityManager } from 'typeorm';
import { ChainLink, GENESIS_HASH, linkHash, NormalizedEvent } from './audit-chain';

/** Advisory lock class of audit chains ('audt'); the object id is hashtext(tenant id). */
const CHAIN_LOCK_CLASS = 0x6175_6474;
/** Events written per transaction at most; the rest wait for the next one. */
const MAX_BATCH = 500;

interface Waiter {
  event: NormalizedEvent;
  resolve(): void;
  reject(error: unknown): void;
}

interface TenantQueue {
  waiting: Waiter[];
  draining: Promise<void>;
}

/**
 * Group commit: per tenant, one transaction at a time appends every event that arrived while the
 * previous one was being written. Under a per-tenant advisory lock it reads the chain head, so
 * replicas sharing the database extend one chain. A waiter settles only when its batch commits
 * (or fails: then every waiter of the batch is rejected and nothing of it was stored).
 */
export class AuditWriter {
  private readonly queues = new Map<string, TenantQueue>();

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

  /** Settles once every event appended so far has been written or rejected. */
  async drained(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.draining));
  }

  private async drain(tenantId: string, queue: TenantQueue): Promise<void> {
    // Yield once so events recorded in the same tick join the first batch.
    await Promise.resolve();
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_BATCH);
      try {
        await this.db.transaction((tx) => this.appendBatch(tx, tenantId, batch));
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        this.onFailure(
          `Audit write of ${batch.length} events for tenant ${tenantId} failed: ${describe(error)}`,
        );
        for (const waiter of batch) waiter.reject(error);
      }
    }
    this.queues.delete(tenantId);
  }

  private async appendBatch(tx: EntityManager, tenantId: string, batch: Waiter[]): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CHAIN_LOCK_CLASS, tenantId]);
    const head = (await tx.query(
      'SELECT seq, hash FROM audit_events WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1',
      [tenantId],
    )) as { seq: string; hash: Buffer }[];
    let seq = head.length > 0 ? BigInt(head[0].seq) : 0n;
    let prevHash: Buffer = head.length > 0 ? head[0].hash : GENESIS_HASH;
    const rows = batch.map(({ event }) => {
      seq += 1n;
      const link: ChainLink = { ...event, seq: seq.toString(), prevHash };
      const hash = linkHash(link);
      prevHash = hash;
      return { ...link, prevHash: link.prevHash.toString('hex'), hash: hash.toString('hex') };
    });
    await tx.query(
      `INSERT INTO audit_events
         (tenant_id, seq, occurred_at, action, api_key_id, roles, purpose, details, prev_hash, hash)
       SELECT r."tenantId", r.seq, r."occurredAt", r.action, r."apiKeyId", r.roles, r.purpose,
              r.details, decode(r."prevHash", 'hex'), decode(r.hash, 'hex')
         FROM jsonb_to_recordset($1::jsonb) AS r("tenantId" uuid, seq bigint, "occurredAt" timestamptz,
              action text, "apiKeyId" uuid, roles text[], purpose text, details jsonb,
              "prevHash" text, hash text)`,
      [JSON.stringify(rows)],
    );
  }
}

/** Error class and driver code only: a driver message could quote a stored value. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return `${error.constructor.name}${typeof code === 'string' ? ` (${code})` : ''}`;
}
