import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
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
import { ApiKeysRepository, type BootstrapKeys, type StoredApiKey } from './api-keys.repository';
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

const CACHE_LIMIT = 10_000;
/**
 * How long a verified key is remembered as good (by SHA-256 of the whole key) so that failed
 * attempts of others on its lookup id or its address never lock it out. It still goes to the
 * database and argon2 when not in the principal cache: revocation and role changes apply.
 */
const KNOWN_GOOD_MS = 24 * 3600_000;
const REVOCATION_MEMORY_MS = 60_000;
const REVOCATION_MEMORY_LIMIT = 10_000;

/**
 * API keys: shown once, stored as argon2id hashes, found by lookup id. Verified keys are cached
 * (by SHA-256 of the key) for PII_VAULT_API_KEY_CACHE_SECONDS so a request does not pay argon2.
 */
@Injectable()
export class ApiKeysService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ApiKeys');
  /** Fingerprint → principal; undefined when PII_VAULT_API_KEY_CACHE_SECONDS is 0 (no cache). */
  private readonly verified: LRUCache<string, Principal> | undefined;
  private readonly verifying = new Map<string, Promise<Principal>>();
  /** Key id → when its revocation was noted, for a minute. */
  private readonly revokedAt = new LRUCache<string, number>({
    max: REVOCATION_MEMORY_LIMIT,
    ttl: REVOCATION_MEMORY_MS,
  });
  /** Keys verified in the last KNOWN_GOOD_MS: fingerprint → key id. */
  private readonly knownGood = new LRUCache<string, string>({
    max: CACHE_LIMIT,
    ttl: KNOWN_GOOD_MS,
  });

  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly tenants: TenantsService,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly policies: PolicyService,
    private readonly limits: RequestLimits,
    private readonly metrics: MetricsService,
    private readonly revocations: RevocationFeed,
  ) {
    const ttl = config.PII_VAULT_API_KEY_CACHE_SECONDS * 1000;
    this.verified = ttl > 0 ? new LRUCache({ max: CACHE_LIMIT, ttl }) : undefined;
  }

  /**
   * Every process LISTENs for revocations, so a key revoked through one replica is dropped from
   * the cache of every other within a notification's delay. While that feed is down the cache is
   * not trusted at all (each request verifies against the database).
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.revocations.start({
      revoked: (keyId) => this.forgetVerified(keyId),
      lost: () => this.verified?.clear(),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.revocations.stop();
  }

  /** The key's principal if it was verified recently: no database, no argon2. */
  authenticateCached(key: string): Principal | undefined {
    if (!this.verified || !this.revocations.live) return undefined;
    return this.verified.get(fingerprintOf(key));
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
    const row = parsed ? await this.repository.findLive(parsed.lookupId) : undefined;
    if (!parsed || !row) return refuse();

    const attempt = knownGood
      ? undefined
      : await this.limits.takeKeyAttempt(parsed.lookupId, clientAddress);
    this.metrics.countKeyVerification();
    if (!(await verify(row.secretHash, parsed.secret))) return refuse();
    if (attempt) {
      await this.limits.returnKeyAttempt(parsed.lookupId, clientAddress, attempt);
      await this.limits.returnAddressAttempt(clientAddress);
    }
    // Revoked (by notice) after the row was read: never cache or admit it.
    if ((this.revokedAt.get(row.id) ?? 0) >= startedAt) return refuse();

    const principal: Principal = {
      keyId: row.id,
      tenantId: row.tenantId,
      tenantName: row.tenant,
      roles: row.roles,
      rateLimitPerMinute: row.rateLimitPerMinute ?? undefined,
      revealBudgetPerHour: row.revealBudgetPerHour ?? undefined,
    };
    this.remember(fingerprint, principal);
    return principal;
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
    return (await this.repository.list(tenantId)).map(toSummary);
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
    const row = await this.repository.revoke(
      id,
      tenantId ?? null,
      sparingOperators ? ROLE_OPERATOR : null,
    );
    if (!row) throw new VaultError(ErrorCode.NotFound, 'No such API key');
    this.forgetVerified(id);
    await this.revocations.announce(id);
    const summary = toSummary(row);
    if (actor) await this.recordKeyEvent('api_key.revoke', summary, actor, row.tenantId);
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
    const created = await this.repository.insert({
      tenantId,
      name: input.name,
      lookupId,
      secretHash,
      roles: input.roles,
      rateLimitPerMinute: input.rateLimitPerMinute ?? null,
      revealBudgetPerHour: input.revealBudgetPerHour ?? null,
    });
    this.logger.log(`API key ${created.id} created in tenant ${input.tenant}`);
    return {
      id: created.id,
      key,
      name: input.name,
      tenant: input.tenant,
      roles: input.roles,
      createdAt: created.createdAt.toISOString(),
      revokedAt: null,
      rateLimitPerMinute: input.rateLimitPerMinute ?? null,
      revealBudgetPerHour: input.revealBudgetPerHour ?? null,
    };
  }

  private forgetVerified(keyId: string): void {
    // Revocations of the last minute, so a verification that raced one is not cached.
    this.revokedAt.set(keyId, Date.now());
    const verified = [...(this.verified?.entries() ?? [])]
      .filter(([, principal]) => principal.keyId === keyId)
      .map(([fingerprint]) => fingerprint);
    for (const fingerprint of verified) this.verified?.delete(fingerprint);
    const known = [...this.knownGood.entries()]
      .filter(([, id]) => id === keyId)
      .map(([fingerprint]) => fingerprint);
    for (const fingerprint of known) this.knownGood.delete(fingerprint);
  }

  private isKnownGood(fingerprint: string): boolean {
    return this.knownGood.has(fingerprint);
  }

  private remember(fingerprint: string, principal: Principal): void {
    this.knownGood.set(fingerprint, principal.keyId);
    this.verified?.set(fingerprint, principal);
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
    await this.repository.underBootstrapLock(async (keys) => {
      if (await keys.anyExists()) {
        if (parsedConfigured) await this.moveLegacyBootstrapKey(keys, parsedConfigured);
        return;
      }
      const generated = parsedConfigured ? undefined : generateApiKey();
      const { lookupId, secret } = parsedConfigured ?? generated!;
      await keys.insertInTenant(DEFAULT_TENANT, {
        name: 'bootstrap admin',
        lookupId,
        secretHash: await hash(secret),
        roles: [ROLE_ADMIN, ROLE_OPERATOR],
      });
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
    keys: BootstrapKeys,
    configured: ParsedApiKey,
  ): Promise<void> {
    const legacy = await keys.findByLookupId(LEGACY_BOOTSTRAP_LOOKUP_ID);
    if (!legacy || !(await verify(legacy.secretHash, configured.secret))) return;
    await keys.setLookupId(legacy.id, configured.lookupId);
    this.logger.log(`Bootstrap admin key ${legacy.id} moved to its derived lookup id`);
  }
}

function refuse(): never {
  throw new VaultError(ErrorCode.Unauthenticated, 'Invalid or revoked API key');
}

function fingerprintOf(key: string): string {
  return createHash('sha256').update(key).digest('base64');
}

function toSummary(key: StoredApiKey): ApiKeySummary {
  return {
    id: key.id,
    name: key.name,
    tenant: key.tenant,
    roles: key.roles,
    createdAt: key.createdAt.toISOString(),
    revokedAt: key.revokedAt ? key.revokedAt.toISOString() : null,
    rateLimitPerMinute: key.rateLimitPerMinute,
    revealBudgetPerHour: key.revealBudgetPerHour,
  };
}
