import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { changedRows, selectRows, type SqlRunner } from '../common/sql';

/** An api_keys row with its tenant's name; never the secret's hash (see `LiveApiKey`). */
export interface StoredApiKey {
  id: string;
  name: string;
  tenant: string;
  tenantId: string;
  roles: string[];
  createdAt: Date;
  revokedAt: Date | null;
  /** Null: the configured default applies. */
  rateLimitPerMinute: number | null;
  revealBudgetPerHour: number | null;
}

/** A key that is not revoked, with the argon2id hash its secret is verified against. */
export interface LiveApiKey extends StoredApiKey {
  secretHash: string;
}

export interface NewApiKeyRow {
  tenantId: string;
  name: string;
  lookupId: string;
  secretHash: string;
  roles: string[];
  rateLimitPerMinute: number | null;
  revealBudgetPerHour: number | null;
}

/** The statements first start needs, on the transaction that holds the bootstrap lock. */
export interface BootstrapKeys {
  /** Whether any key exists at all (revoked or not). */
  anyExists(): Promise<boolean>;
  /** Creates the tenant if needed and a key in it. */
  insertInTenant(
    tenant: string,
    key: { name: string; lookupId: string; secretHash: string; roles: string[] },
  ): Promise<void>;
  findByLookupId(lookupId: string): Promise<{ id: string; secretHash: string } | undefined>;
  setLookupId(id: string, lookupId: string): Promise<void>;
}

interface ApiKeyRow {
  id: string;
  name: string;
  tenant: string;
  tenant_id: string;
  roles: string[];
  created_at: Date;
  revoked_at: Date | null;
  rate_limit_per_minute: number | null;
  reveal_budget_per_hour: number | null;
}

const KEY_COLUMNS = `k.id, k.name, t.name AS tenant, k.tenant_id, k.roles, k.created_at, k.revoked_at,
  k.rate_limit_per_minute, k.reveal_budget_per_hour`;

/** Arbitrary constant: serialises the first-start bootstrap of replicas starting together. */
const BOOTSTRAP_LOCK_ID = 0x7069_6b62;

/** SQL for the api_keys table (joined to tenants for the tenant's name). */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly db: DataSource) {}

  /** The live key with this lookup id, with its secret's hash. */
  async findLive(lookupId: string): Promise<LiveApiKey | undefined> {
    const rows = await selectRows<ApiKeyRow & { secret_hash: string }>(
      this.db,
      `SELECT ${KEY_COLUMNS}, k.secret_hash
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        WHERE k.lookup_id = $1 AND k.revoked_at IS NULL`,
      [lookupId],
    );
    const row = rows[0];
    return row && { ...toStored(row), secretHash: row.secret_hash };
  }

  /** The tenant's keys, revoked ones included, oldest first. */
  async list(tenantId: string): Promise<StoredApiKey[]> {
    const rows = await selectRows<ApiKeyRow>(
      this.db,
      `SELECT ${KEY_COLUMNS}
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        WHERE k.tenant_id = $1 ORDER BY k.created_at, k.id`,
      [tenantId],
    );
    return rows.map(toStored);
  }

  /**
   * Marks the key revoked (once: a second revocation keeps the first time) if it is in the tenant
   * (any tenant when null) and, when `sparingRole` is given, does not hold that role. Undefined:
   * no such key for this caller.
   */
  async revoke(
    id: string,
    tenantId: string | null,
    sparingRole: string | null,
  ): Promise<StoredApiKey | undefined> {
    const rows = await changedRows<ApiKeyRow>(
      this.db,
      `UPDATE api_keys k SET revoked_at = coalesce(k.revoked_at, now())
         FROM tenants t
        WHERE k.id = $1 AND t.id = k.tenant_id AND ($2::uuid IS NULL OR k.tenant_id = $2::uuid)
          AND NOT ($3::text IS NOT NULL AND $3::text = ANY (k.roles))
        RETURNING ${KEY_COLUMNS}`,
      [id, tenantId, sparingRole],
    );
    return rows[0] && toStored(rows[0]);
  }

  async insert(key: NewApiKeyRow): Promise<{ id: string; createdAt: Date }> {
    const rows = await selectRows<{ id: string; created_at: Date }>(
      this.db,
      `INSERT INTO api_keys (tenant_id, name, lookup_id, secret_hash, roles,
                             rate_limit_per_minute, reveal_budget_per_hour)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at`,
      [
        key.tenantId,
        key.name,
        key.lookupId,
        key.secretHash,
        key.roles,
        key.rateLimitPerMinute,
        key.revealBudgetPerHour,
      ],
    );
    return { id: rows[0].id, createdAt: rows[0].created_at };
  }

  /**
   * Runs `work` in one transaction that holds a transaction-scoped advisory lock, so replicas
   * starting together bootstrap once.
   */
  async underBootstrapLock<T>(work: (keys: BootstrapKeys) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_ID]);
      return work(bootstrapKeys(tx));
    });
  }
}

function bootstrapKeys(tx: SqlRunner): BootstrapKeys {
  return {
    async anyExists() {
      return (
        (await selectRows<{ one: number }>(tx, `SELECT 1 AS one FROM api_keys LIMIT 1`)).length > 0
      );
    },
    async insertInTenant(tenant, key) {
      await tx.query(`INSERT INTO tenants (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [
        tenant,
      ]);
      await tx.query(
        `INSERT INTO api_keys (tenant_id, name, lookup_id, secret_hash, roles)
         SELECT id, $2, $3, $4, $5 FROM tenants WHERE name = $1`,
        [tenant, key.name, key.lookupId, key.secretHash, key.roles],
      );
    },
    async findByLookupId(lookupId) {
      const rows = await selectRows<{ id: string; secret_hash: string }>(
        tx,
        `SELECT id, secret_hash FROM api_keys WHERE lookup_id = $1`,
        [lookupId],
      );
      return rows[0] && { id: rows[0].id, secretHash: rows[0].secret_hash };
    },
    async setLookupId(id, lookupId) {
      await tx.query(`UPDATE api_keys SET lookup_id = $2 WHERE id = $1`, [id, lookupId]);
    },
  };
}

function toStored(row: ApiKeyRow): StoredApiKey {
  return {
    id: row.id,
    name: row.name,
    tenant: row.tenant,
    tenantId: row.tenant_id,
    roles: row.roles,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    rateLimitPerMinute: row.rate_limit_per_minute,
    revealBudgetPerHour: row.reveal_budget_per_hour,
  };
}
