import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Principal, ROLE_ADMIN } from '../auth-context/principal';
import { AuditService } from '../audit/audit.service';
import { ErrorCode, VaultError } from '../common/errors';
import {
  BUILTIN_POLICY,
  PolicyDocument,
  rolesNamedBy,
  usesFormatPreserving,
} from './policy-document';
import { PolicyRepository, PolicyVersion, StoredPolicy } from './policy.repository';
import { validatePolicyDocument } from './policy-validation';

export type { PolicyVersion } from './policy.repository';

export const DEFAULT_POLICY_NAME = 'default';

/** The policy that decides reveal levels and budgets, and which version of it did. */
export interface GoverningPolicy {
  name: string;
  /** Null: the built-in default (the tenant has not written one). */
  version: number | null;
  document: PolicyDocument;
}

/** How long a resolved policy is trusted before re-reading (edits by another replica). */
const CACHE_MS = 5_000;
/** Entries per cache: (tenant, policy name) pairs, and tenants; the least recently used go. */
const CACHE_ENTRIES = 10_000;

/** Versioned policy documents per tenant, and the policy a request runs under. */
@Injectable()
export class PolicyService {
  private readonly cache = new LRUCache<string, StoredPolicy>({
    max: CACHE_ENTRIES,
    ttl: CACHE_MS,
  });
  private readonly formatPreserving = new LRUCache<string, boolean>({
    max: CACHE_ENTRIES,
    ttl: CACHE_MS,
  });

  constructor(
    private readonly repository: PolicyRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * The policy whose detection and token rules a request of this caller runs under: the named one
   * (404 if the tenant has none by that name; 403 unless the caller is an admin or holds a role
   * the policy lists in `callers`), else the tenant's governing policy.
   */
  async resolveFor(caller: Principal, name?: string): Promise<PolicyDocument> {
    if (name === undefined || name === DEFAULT_POLICY_NAME) {
      return (await this.governing(caller.tenantId)).document;
    }
    const stored = await this.cachedLatest(caller.tenantId, name);
    const isAdmin = caller.roles.includes(ROLE_ADMIN);
    if (!stored.document && isAdmin)
      throw new VaultError(ErrorCode.NotFound, `No policy named ${name}`);
    const bound = stored.document?.callers ?? [];
    // A non-admin gets one answer whether the policy is missing or not theirs, so policy names
    // cannot be enumerated by comparing 404 with 403.
    if (!stored.document || (!isAdmin && !caller.roles.some((r) => bound.includes(r)))) {
      throw new VaultError(
        ErrorCode.Forbidden,
        `Policy ${name} does not exist or is not bound to any of your roles (an admin lists them in its "callers")`,
      );
    }
    // A named policy chooses detection and token rules only; who may see what stays governed.
    return {
      ...BUILTIN_POLICY,
      ...stored.document,
      access: BUILTIN_POLICY.access,
      limits: undefined,
    };
  }

  /**
   * The tenant's governing policy, which alone decides reveal levels and budgets: its stored
   * `default` (sections it leaves out keep the built-in ones), else the built-in default.
   */
  async governing(tenantId: string): Promise<GoverningPolicy> {
    const stored = await this.cachedLatest(tenantId, DEFAULT_POLICY_NAME);
    if (!stored.document)
      return { name: DEFAULT_POLICY_NAME, version: null, document: BUILTIN_POLICY };
    return {
      name: DEFAULT_POLICY_NAME,
      version: stored.version,
      document: { ...BUILTIN_POLICY, ...stored.document },
    };
  }

  /** Whether any current policy of the tenant mints format-preserving tokens (cached briefly). */
  async tenantUsesFormatPreserving(tenantId: string): Promise<boolean> {
    const hit = this.formatPreserving.get(tenantId);
    if (hit !== undefined) return hit;
    const uses = (await this.list(tenantId)).some(
      (p) => p.document !== null && usesFormatPreserving(p.document),
    );
    this.formatPreserving.set(tenantId, uses);
    return uses;
  }

  /** Every role any current policy of the tenant names. */
  async rolesNamed(tenantId: string): Promise<Set<string>> {
    const roles = new Set<string>();
    for (const policy of await this.list(tenantId)) {
      for (const role of rolesNamedBy(policy.document!)) roles.add(role);
    }
    return roles;
  }

  list(tenantId: string): Promise<PolicyVersion[]> {
    return this.repository.listCurrent(tenantId);
  }

  async get(tenantId: string, name: string, version?: number): Promise<PolicyVersion> {
    const row = await this.repository.find(tenantId, name, version);
    if (!row || (version === undefined && row.document === null)) {
      throw new VaultError(
        ErrorCode.NotFound,
        `No policy named ${name}${version ? ` at version ${version}` : ''}`,
      );
    }
    return row;
  }

  async versions(tenantId: string, name: string): Promise<PolicyVersion[]> {
    const rows = await this.repository.versions(tenantId, name);
    if (rows.length === 0) throw new VaultError(ErrorCode.NotFound, `No policy named ${name}`);
    return rows;
  }

  async put(caller: Principal, name: string, document: unknown): Promise<PolicyVersion> {
    const problems = validatePolicyDocument(document);
    if (problems.length > 0) {
      throw new VaultError(ErrorCode.InvalidRequest, `Invalid policy: ${problems.join('; ')}`, {
        problems,
      });
    }
    const stored = await this.appendVersion(caller, name, document as PolicyDocument);
    await this.audit.record({
      tenantId: caller.tenantId,
      action: 'policy.put',
      apiKeyId: caller.keyId,
      roles: caller.roles,
      details: { policy: name, version: stored.version },
    });
    return stored;
  }

  async remove(caller: Principal, name: string): Promise<PolicyVersion> {
    await this.get(caller.tenantId, name);
    const stored = await this.appendVersion(caller, name, null);
    await this.audit.record({
      tenantId: caller.tenantId,
      action: 'policy.delete',
      apiKeyId: caller.keyId,
      roles: caller.roles,
      details: { policy: name, version: stored.version },
    });
    return stored;
  }

  /** Adds the next version and forgets what this process cached of the policy. */
  private async appendVersion(
    caller: Principal,
    name: string,
    document: PolicyDocument | null,
  ): Promise<PolicyVersion> {
    const stored = await this.repository.append(caller.tenantId, name, document, caller.keyId);
    this.cache.delete(`${caller.tenantId}/${name}`);
    this.formatPreserving.delete(caller.tenantId);
    return stored;
  }

  private async cachedLatest(tenantId: string, name: string): Promise<StoredPolicy> {
    const key = `${tenantId}/${name}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const policy = await this.repository.latest(tenantId, name);
    this.cache.set(key, policy);
    return policy;
  }
}
