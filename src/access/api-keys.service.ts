import { Inject, Injectable, Logger } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { ErrorCode, VaultError } from '../common/errors';
import { BOOTSTRAP_LOOKUP_ID, generateApiKey, parseApiKey } from './api-key-format';
import { Principal, ROLE_ADMIN, ROLE_OPERATOR } from './principal';
import { DEFAULT_TENANT, TenantsService } from './tenants.service';

export interface ApiKeySummary {
  id: string;
  name: string;
  tenant: string;
  roles: string[];
  createdAt: string;
  revokedAt: string | null;
  /** Null: the configured default applies. */
  rateLimitPerMinute: number | null;
  revealBudgetPerHour: number | null;
}

export interface NewApiKey {
  name: string;
  roles: string[];
  tenant: string;
  rateLimitPerMinute?: number;
  revealBudgetPerHour?: number;
}

interface ApiKeyRow {
  id: string;
  name: string;
  tenant: string;
  tenant_id: string;
  roles: string[];
  secret_hash: string;
  created_at: Date;
  revoked_at: Date | null;
  rate_limit_per_minute: number | null;
  reveal_budget_per_hour: number | null;
}

const KEY_COLUMNS = `k.id, k.name, t.name AS tenant, k.tenant_id, k.roles, k.created_at, k.revoked_at,
  k.rate_limit_per_minute, k.reveal_budget_per_hour`;

const CACHE_LIMIT = 10_000;
const BOOTSTRAP_LOCK_ID = 0x7069_6b62;

/**
 * API keys: shown once, stored as argon2id hashes, found by lookup id. Verified keys are cached
 * (by SHA-256 of the key) for PII_VAULT_API_KEY_CACHE_SECONDS so a request does not pay argon2.
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly db: DataSource,
    private readonly tenants: TenantsService,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** The key's principal if it was verified recently: no database, no argon2. */
  authenticateCached(key: string): Principal | undefined {
    const fingerprint = fingerprintOf(key);
    const hit = this.verified.get(fingerprint);
    if (hit && hit.until > Date.now()) return hit.principal;
    this.verified.delete(fingerprint);
    return undefined;
  }

  async authenticate(key: string): Promise<Principal | undefined> {
    const cached = this.authenticateCached(key);
    if (cached) return cached;
    const fingerprint = fingerprintOf(key);

    const { lookupId, secret } = parseApiKey(key);
    const rows = (await this.db.query(
      `SELECT ${KEY_COLUMNS}, k.secret_hash
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        WHERE k.lookup_id = $1`,
      [lookupId],
    )) as ApiKeyRow[];
    const row = rows[0];
    if (!row || row.revoked_at || !(await verify(row.secret_hash, secret))) return undefined;

    const principal: Principal = {
      keyId: row.id,
      tenantId: row.tenant_id,
      tenantName: row.tenant,
      roles: row.roles,
      rateLimitPerMinute: row.rate_limit_per_minute ?? undefined,
      revealBudgetPerHour: row.reveal_budget_per_hour ?? undefined,
    };
    this.remember(fingerprint, principal);
    return principal;
  }

  /** Creates a key; with an actor (a caller over HTTP) the creation is audited. */
  async create(input: NewApiKey, actor?: Principal): Promise<ApiKeySummary & { key: string }> {
    const generated = generateApiKey();
    const created = await this.insert(input, generated.lookupId, generated.secret, generated.key);
    // If the audit write fails the secret is never shown, so the unaudited key cannot be used.
    if (actor) await this.recordKeyEvent('api_key.create', created, actor);
    return created;
  }

  async list(tenantId: string): Promise<ApiKeySummary[]> {
    const rows = (await this.db.query(
      `SELECT ${KEY_COLUMNS}
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        WHERE k.tenant_id = $1 ORDER BY k.created_at, k.id`,
      [tenantId],
    )) as ApiKeyRow[];
    return rows.map(toSummary);
  }

  /** Revokes a key of the tenant (any tenant when undefined); audited when an actor is given. */
  async revoke(
    id: string,
    tenantId: string | undefined,
    actor?: Principal,
  ): Promise<ApiKeySummary> {
    const rows = (await this.db.query(
      `UPDATE api_keys k SET revoked_at = coalesce(k.revoked_at, now())
         FROM tenants t
        WHERE k.id = $1 AND t.id = k.tenant_id AND ($2::uuid IS NULL OR k.tenant_id = $2::uuid)
        RETURNING ${KEY_COLUMNS}`,
      [id, tenantId ?? null],
    )) as [ApiKeyRow[], number];
    const row = rows[0][0];
    if (!row) throw new VaultError(ErrorCode.NotFound, 'No such API key');
    for (const [fingerprint, entry] of this.verified) {
      if (entry.principal.keyId === id) this.verified.delete(fingerprint);
    }
    const summary = toSummary(row);
    if (actor) await this.recordKeyEvent('api_key.revoke', summary, actor, row.tenant_id);
    return summary;
  }

  /** Key id, name, tenant and roles of the key, and who acted: never a secret. */
  private async recordKeyEvent(
    action: 'api_key.create' | 'api_key.revoke',
    key: ApiKeySummary,
    actor: Principal,
    tenantId?: string,
  ): Promise<void> {
    await this.audit.record({
      tenantId: tenantId ?? (await this.tenants.ensure(key.tenant)),
      action,
      apiKeyId: actor.keyId,
      roles: actor.roles,
      details: { keyId: key.id, name: key.name, tenant: key.tenant, roles: key.roles },
    });
  }

  private async insert(
    input: NewApiKey,
    lookupId: string,
    secret: string,
    key: string,
  ): Promise<ApiKeySummary & { key: string }> {
    const tenantId = await this.tenants.ensure(input.tenant);
    const secretHash = await hash(secret);
    const rows = (await this.db.query(
      `INSERT INTO api_keys (tenant_id, name, lookup_id, secret_hash, roles,
                             rate_limit_per_minute, reveal_budget_per_hour)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at`,
      [
        tenantId,
        input.name,
        lookupId,
        secretHash,
        input.roles,
        input.rateLimitPerMinute ?? null,
        input.revealBudgetPerHour ?? null,
      ],
    )) as { id: string; created_at: Date }[];
    this.logger.log(`API key ${rows[0].id} created in tenant ${input.tenant}`);
    return {
      id: rows[0].id,
      key,
      name: input.name,
      tenant: input.tenant,
      roles: input.roles,
      createdAt: rows[0].created_at.toISOString(),
      revokedAt: null,
      rateLimitPerMinute: input.rateLimitPerMinute ?? null,
      revealBudgetPerHour: input.revealBudgetPerHour ?? null,
    };
  }

  private remember(fingerprint: string, principal: Principal): void {
    const ttl = this.config.PII_VAULT_API_KEY_CACHE_SECONDS * 1000;
    if (ttl === 0) return;
    if (this.verified.size >= CACHE_LIMIT)
      this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(fingerprint, { principal, until: Date.now() + ttl });
  }

  /** First start with no keys: the configured bootstrap key, or a generated one printed once. */
  async bootstrapAdminKey(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_ID]);
      const existing = (await tx.query(`SELECT 1 FROM api_keys LIMIT 1`)) as unknown[];
      if (existing.length > 0) return;
      const configured = this.config.PII_VAULT_BOOTSTRAP_ADMIN_KEY;
      const generated = configured ? undefined : generateApiKey();
      const lookupId = configured ? parseApiKey(configured).lookupId : generated!.lookupId;
      const secret = configured ? parseApiKey(configured).secret : generated!.secret;
      await tx.query(`INSERT INTO tenants (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [
        DEFAULT_TENANT,
      ]);
      await tx.query(
        `INSERT INTO api_keys (tenant_id, name, lookup_id, secret_hash, roles)
         SELECT id, 'bootstrap admin', $2, $3, $4 FROM tenants WHERE name = $1`,
        [DEFAULT_TENANT, lookupId, await hash(secret), [ROLE_ADMIN, ROLE_OPERATOR]],
      );
      if (generated) {
        process.stderr.write(
          `\nNo API keys existed: generated the bootstrap admin key (shown once, store it now):\n\n    ${generated.key}\n\n`,
        );
      } else {
        this.logger.log(
          `Bootstrap admin key from PII_VAULT_BOOTSTRAP_ADMIN_KEY installed (lookup ${lookupId === BOOTSTRAP_LOOKUP_ID ? 'custom' : 'standard'})`,
        );
      }
    });
  }
}

function fingerprintOf(key: string): string {
  return createHash('sha256').update(key).digest('base64');
}

function toSummary(row: Omit<ApiKeyRow, 'secret_hash'>): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    tenant: row.tenant,
    roles: row.roles,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at ? row.revoked_at.toISOString() : null,
    rateLimitPerMinute: row.rate_limit_per_minute,
    revealBudgetPerHour: row.reveal_budget_per_hour,
  };
}
