import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { ErrorCode, VaultError } from '../common/errors';
import { MetricsService } from '../observability/metrics.service';
import { RequestLimits } from '../ratelimit/request-limits';
import {
  generateApiKey,
  LEGACY_BOOTSTRAP_LOOKUP_ID,
  ParsedApiKey,
  parseApiKey,
} from './api-key-format';
import { PolicyService } from '../policy/policy.service';
import { Principal, ROLE_ADMIN, ROLE_OPERATOR } from '../auth-context/principal';
import { RevocationFeed } from './revocation-feed';
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
/**
 * How long a verified key is remembered as good (by SHA-256 of the whole key) so that failed
 * attempts of others on its lookup id or its address never lock it out. It still goes to the
 * database and argon2 when not in the principal cache: revocation and role changes apply.
 */
const KNOWN_GOOD_MS = 24 * 3600_000;
const REVOCATION_MEMORY_MS = 60_000;
const BOOTSTRAP_LOCK_ID = 0x7069_6b62;

/**
 * API keys: shown once, stored as argon2id hashes, found by lookup id. Verified keys are cached
 * (by SHA-256 of the key) for PII_VAULT_API_KEY_CACHE_SECONDS so a request does not pay argon2.
 */
@Injectable()
export class ApiKeysService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ApiKeys');
  private readonly verified = new Map<string, { principal: Principal; until: number }>();
  private readonly verifying = new Map<string, Promise<Principal>>();
  private readonly revokedAt = new Map<string, number>();
  /** Keys verified in the last KNOWN_GOOD_MS: fingerprint → key id and until when. */
  private readonly knownGood = new Map<string, { keyId: string; until: number }>();

  constructor(
    private readonly db: DataSource,
    private readonly tenants: TenantsService,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly policies: PolicyService,
    private readonly limits: RequestLimits,
    private readonly metrics: MetricsService,
    private readonly revocations: RevocationFeed,
  ) {}

  /**
   * Every process LISTENs for revocations, so a key revoked through one replica is dropped from
   * the cache of every other within a notification's delay. While that feed is down the cache is
   * not trusted at all (each request verifies against the database).
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.revocations.start({
      revoked: (keyId) => this.forgetVerified(keyId),
      lost: () => this.verified.clear(),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.revocations.stop();
  }

  /** The key's principal if it was verified recently: no database, no argon2. */
  authenticateCached(key: string): Principal | undefined {
    if (!this.revocations.live) return undefined;
    const fingerprint = fingerprintOf(key);
    const hit = this.verified.get(fingerprint);
    if (hit && hit.until > Date.now()) return hit.principal;
    this.verified.delete(fingerprint);
    return undefined;
  }

  /**
   * Verifies a key not in the cache, or throws 401 (429 past an allowance), in this order:
   * - a key this process verified in the last KNOWN_GOOD_MS (matched by SHA-256 of the whole
   *   key, in memory) skips every allowance below, so nobody who lacks the key can lock it out;
   * - one attempt is taken from the client address's failure allowance, atomically, before any
   *   database lookup or argon2 (429 once it is spent);
   * - a malformed key, or one whose lookup id names no live row, is refused with no hashing;
   * - one attempt is taken from the key's own allowance, or else the address's one overflow
   *   attempt a minute (RequestLimits.takeKeyAttempt), and only then argon2 runs.
   * A key that verifies gets its attempts back: only failures count.
   */
  async authenticate(key: string, clientAddress: string): Promise<Principal> {
    const cached = this.authenticateCached(key);
    if (cached) return cached;
    // Concurrent first requests of one key share one verification (and one attempt).
    const fingerprint = fingerprintOf(key);
    const pending = this.verifying.get(fingerprint);
    if (pending) return pending;
    const verification = this.verify(key, fingerprint, clientAddress).finally(() =>
      this.verifying.delete(fingerprint),
    );
    this.verifying.set(fingerprint, verification);
    return verification;
  }

  private async verify(
    key: string,
    fingerprint: string,
    clientAddress: string,
  ): Promise<Principal> {
    const startedAt = Date.now();
    const knownGood = this.isKnownGood(fingerprint);
    if (!knownGood) await this.limits.takeAddressAttempt(clientAddress);
    const parsed = parseApiKey(key);
    const row = parsed ? await this.findLive(parsed.lookupId) : undefined;
    if (!parsed || !row) return refuse();

    const attempt = knownGood
      ? undefined
      : await this.limits.takeKeyAttempt(parsed.lookupId, clientAddress);
    this.metrics.countKeyVerification();
    if (!(await verify(row.secret_hash, parsed.secret))) return refuse();
    if (attempt) {
      await this.limits.returnKeyAttempt(parsed.lookupId, clientAddress, attempt);
      await this.limits.returnAddressAttempt(clientAddress);
    }
    // Revoked (by notice) after the row was read: never cache or admit it.
    if ((this.revokedAt.get(row.id) ?? 0) >= startedAt) return refuse();

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

  private async findLive(lookupId: string): Promise<ApiKeyRow | undefined> {
    const rows = (await this.db.query(
      `SELECT ${KEY_COLUMNS}, k.secret_hash
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        WHERE k.lookup_id = $1 AND k.revoked_at IS NULL`,
      [lookupId],
    )) as ApiKeyRow[];
    return rows[0];
  }

  /**
   * Creates a key for a caller over HTTP, who may grant only what it holds: an admin keeps to its
   * own tenant and grants `admin` or roles the tenant's policies name; only an operator grants
   * `operator` or acts in another tenant. The creation is audited.
   */
  async createFor(
    actor: Principal,
    request: Omit<NewApiKey, 'tenant'> & { tenant?: string },
  ): Promise<ApiKeySummary & { key: string }> {
    const isOperator = actor.roles.includes(ROLE_OPERATOR);
    const tenant = request.tenant ?? actor.tenantName;
    if (tenant !== actor.tenantName && !isOperator) {
      throw new VaultError(
        ErrorCode.Forbidden,
        'Only an operator may create keys in another tenant',
      );
    }
    if (request.roles.includes(ROLE_OPERATOR) && !isOperator) {
      throw new VaultError(ErrorCode.Forbidden, 'Only an operator may grant the operator role');
    }
    if (!isOperator && !actor.roles.includes(ROLE_ADMIN)) {
      throw new VaultError(ErrorCode.Forbidden, 'Requires role: admin or operator');
    }
    await this.assertKnownRoles(tenant, request.roles);
    return this.create({ ...request, tenant }, actor);
  }

  /**
   * Roles must be built in, declared by the operator (PII_VAULT_ROLES) or named by one of the
   * tenant's current policies, so a typo fails loudly instead of minting a key that sees nothing.
   */
  private async assertKnownRoles(tenant: string, roles: readonly string[]): Promise<void> {
    const tenantId = await this.tenants.find(tenant);
    const named = new Set<string>([ROLE_ADMIN, ROLE_OPERATOR, ...this.config.declaredRoles]);
    if (tenantId) for (const role of await this.policies.rolesNamed(tenantId)) named.add(role);
    const unknown = roles.filter((role) => !named.has(role));
    if (unknown.length > 0) {
      throw new VaultError(
        ErrorCode.InvalidRequest,
        `roles: ${unknown.join(', ')} unknown in tenant ${tenant}; declare them in PII_VAULT_ROLES or name them in a policy first`,
      );
    }
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

  /**
   * Revokes a key for a caller over HTTP: an operator any key, an admin a key of its own tenant
   * that holds no operator role (a tenant admin cannot disarm the platform's keys). Audited.
   */
  revokeFor(actor: Principal, id: string): Promise<ApiKeySummary> {
    const isOperator = actor.roles.includes(ROLE_OPERATOR);
    return this.revoke(id, isOperator ? undefined : actor.tenantId, actor, !isOperator);
  }

  /** Revokes a key of the tenant (any tenant when undefined); audited when an actor is given. */
  async revoke(
    id: string,
    tenantId: string | undefined,
    actor?: Principal,
    sparingOperators = false,
  ): Promise<ApiKeySummary> {
    const rows = (await this.db.query(
      `UPDATE api_keys k SET revoked_at = coalesce(k.revoked_at, now())
         FROM tenants t
        WHERE k.id = $1 AND t.id = k.tenant_id AND ($2::uuid IS NULL OR k.tenant_id = $2::uuid)
          AND NOT ($3::boolean AND $4 = ANY (k.roles))
        RETURNING ${KEY_COLUMNS}`,
      [id, tenantId ?? null, sparingOperators, ROLE_OPERATOR],
    )) as [ApiKeyRow[], number];
    const row = rows[0][0];
    if (!row) throw new VaultError(ErrorCode.NotFound, 'No such API key');
    this.forgetVerified(id);
    await this.revocations.announce(id);
    const summary = toSummary(row);
    if (actor) await this.recordKeyEvent('api_key.revoke', summary, actor, row.tenant_id);
    return summary;
  }

  /** Key id, name, tenant, roles and limits of the key, and who acted: never a secret. */
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
      details: {
        keyId: key.id,
        name: key.name,
        tenant: key.tenant,
        roles: key.roles,
        // Null: the configured default applies. A key granted a huge budget shows here.
        rateLimitPerMinute: key.rateLimitPerMinute,
        revealBudgetPerHour: key.revealBudgetPerHour,
      },
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

  private forgetVerified(keyId: string): void {
    this.noteRevoked(keyId);
    for (const [fingerprint, entry] of this.verified) {
      if (entry.principal.keyId === keyId) this.verified.delete(fingerprint);
    }
    for (const [fingerprint, entry] of this.knownGood) {
      if (entry.keyId === keyId) this.knownGood.delete(fingerprint);
    }
  }

  /** Revocations of the last minute, so a verification that raced one is not cached. */
  private noteRevoked(keyId: string): void {
    const now = Date.now();
    for (const [id, at] of this.revokedAt)
      if (now - at > REVOCATION_MEMORY_MS) this.revokedAt.delete(id);
    this.revokedAt.set(keyId, now);
  }

  private isKnownGood(fingerprint: string): boolean {
    const entry = this.knownGood.get(fingerprint);
    if (entry && entry.until > Date.now()) return true;
    this.knownGood.delete(fingerprint);
    return false;
  }

  private remember(fingerprint: string, principal: Principal): void {
    this.knownGood.delete(fingerprint);
    if (this.knownGood.size >= CACHE_LIMIT)
      this.knownGood.delete(this.knownGood.keys().next().value as string);
    this.knownGood.set(fingerprint, { keyId: principal.keyId, until: Date.now() + KNOWN_GOOD_MS });
    const ttl = this.config.PII_VAULT_API_KEY_CACHE_SECONDS * 1000;
    if (ttl === 0) return;
    if (this.verified.size >= CACHE_LIMIT)
      this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(fingerprint, { principal, until: Date.now() + ttl });
  }

  /** First start with no keys: the configured bootstrap key, or a generated one printed once. */
  async bootstrapAdminKey(): Promise<void> {
    const configured = this.config.PII_VAULT_BOOTSTRAP_ADMIN_KEY;
    const parsedConfigured = configured ? parseApiKey(configured) : undefined;
    if (configured && !parsedConfigured) {
      throw new VaultError(
        ErrorCode.InvalidRequest,
        'PII_VAULT_BOOTSTRAP_ADMIN_KEY starts with pvk_ but is not a well-formed pvk_ key',
      );
    }
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_ID]);
      const existing = (await tx.query(`SELECT 1 FROM api_keys LIMIT 1`)) as unknown[];
      if (existing.length > 0) {
        if (parsedConfigured) await this.moveLegacyBootstrapKey(tx, parsedConfigured);
        return;
      }
      const generated = parsedConfigured ? undefined : generateApiKey();
      const { lookupId, secret } = parsedConfigured ?? generated!;
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
          `\nNo API keys existed: generated the bootstrap admin key (shown once, store it now):\n\n    ${generated!.key}\n\n`,
        );
      } else {
        this.logger.log('Bootstrap admin key from PII_VAULT_BOOTSTRAP_ADMIN_KEY installed');
      }
    });
  }

  /** A custom bootstrap key stored under the old shared lookup id moves to its derived one. */
  private async moveLegacyBootstrapKey(
    tx: { query(sql: string, params?: unknown[]): Promise<unknown> },
    configured: ParsedApiKey,
  ): Promise<void> {
    const rows = (await tx.query(`SELECT id, secret_hash FROM api_keys WHERE lookup_id = $1`, [
      LEGACY_BOOTSTRAP_LOOKUP_ID,
    ])) as { id: string; secret_hash: string }[];
    if (rows.length === 0 || !(await verify(rows[0].secret_hash, configured.secret))) return;
    await tx.query(`UPDATE api_keys SET lookup_id = $2 WHERE id = $1`, [
      rows[0].id,
      configured.lookupId,
    ]);
    this.logger.log(`Bootstrap admin key ${rows[0].id} moved to its derived lookup id`);
  }
}

function refuse(): never {
  throw new VaultError(ErrorCode.Unauthenticated, 'Invalid or revoked API key');
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
