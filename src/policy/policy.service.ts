import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal, ROLE_ADMIN } from '../auth-context/principal';
import { AuditService } from '../audit/audit.service';
import { ErrorCode, VaultError } from '../common/errors';
import {
  BUILTIN_POLICY,
  PolicyDocument,
  rolesNamedBy,
  usesFormatPreserving,
} from './policy-document';
import { validatePolicyDocument } from './policy-validation';

export const DEFAULT_POLICY_NAME = 'default';

export interface PolicyVersion {
  name: string;
  version: number;
  document: PolicyDocument | null;
  createdAt: string;
  createdBy: string | null;
}

interface PolicyRow {
  name: string;
  version: number;
  document: PolicyDocument | null;
  created_at: Date;
  created_by: string | null;
}

/** The latest version of a named policy; a null document is a deleted or absent policy. */
interface StoredPolicy {
  document: PolicyDocument | null;
  version: number | null;
}

/** The policy that decides reveal levels and budgets, and which version of it did. */
export interface GoverningPolicy {
  name: string;
  /** Null: the built-in default (the tenant has not written one). */
  version: number | null;
  document: PolicyDocument;
}

/** How long a resolved policy is trusted before re-reading (edits by another replica). */
const CACHE_MS = 5_000;
const MAX_WRITE_ATTEMPTS = 3;

/** Versioned policy documents per tenant, and the policy a request runs under. */
@Injectable()
export class PolicyService {
  private readonly cache = new Map<string, { policy: StoredPolicy; until: number }>();
  private readonly formatPreserving = new Map<string, { uses: boolean; until: number }>();

  constructor(
    private readonly db: DataSource,
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
    if (hit && hit.until > Date.now()) return hit.uses;
    const uses = (await this.list(tenantId)).some(
      (p) => p.document !== null && usesFormatPreserving(p.document),
    );
    this.formatPreserving.set(tenantId, { uses, until: Date.now() + CACHE_MS });
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

  async list(tenantId: string): Promise<PolicyVersion[]> {
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (name) name, version, document, created_at, created_by
         FROM policies WHERE tenant_id = $1 ORDER BY name, version DESC`,
      [tenantId],
    )) as PolicyRow[];
    return rows.filter((r) => r.document !== null).map(toVersion);
  }

  async get(tenantId: string, name: string, version?: number): Promise<PolicyVersion> {
    const rows = (await this.db.query(
      `SELECT name, version, document, created_at, created_by FROM policies
        WHERE tenant_id = $1 AND name = $2 AND ($3::int IS NULL OR version = $3::int)
        ORDER BY version DESC LIMIT 1`,
      [tenantId, name, version ?? null],
    )) as PolicyRow[];
    const row = rows[0];
    if (!row || (version === undefined && row.document === null)) {
      throw new VaultError(
        ErrorCode.NotFound,
        `No policy named ${name}${version ? ` at version ${version}` : ''}`,
      );
    }
    return toVersion(row);
  }

  async versions(tenantId: string, name: string): Promise<PolicyVersion[]> {
    const rows = (await this.db.query(
      `SELECT name, version, document, created_at, created_by FROM policies
        WHERE tenant_id = $1 AND name = $2 ORDER BY version`,
      [tenantId, name],
    )) as PolicyRow[];
    if (rows.length === 0) throw new VaultError(ErrorCode.NotFound, `No policy named ${name}`);
    return rows.map(toVersion);
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

  /** Adds the next version; two concurrent writers of one name retry on the primary key. */
  private async appendVersion(
    caller: Principal,
    name: string,
    document: PolicyDocument | null,
  ): Promise<PolicyVersion> {
    for (let attempt = 1; ; attempt++) {
      try {
        const rows = (await this.db.query(
          `INSERT INTO policies (tenant_id, name, version, document, created_by)
           SELECT $1, $2, coalesce(max(version), 0) + 1, $3::jsonb, $4
             FROM policies WHERE tenant_id = $1 AND name = $2
           RETURNING name, version, document, created_at, created_by`,
          [
            caller.tenantId,
            name,
            document === null ? null : JSON.stringify(document),
            caller.keyId,
          ],
        )) as PolicyRow[];
        this.cache.delete(`${caller.tenantId}/${name}`);
        this.formatPreserving.delete(caller.tenantId);
        return toVersion(rows[0]);
      } catch (error) {
        const code = (
          (error as { driverError?: { code?: string } }).driverError ?? (error as { code?: string })
        ).code;
        if (code !== '23505' || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  private async cachedLatest(tenantId: string, name: string): Promise<StoredPolicy> {
    const key = `${tenantId}/${name}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.policy;
    const rows = (await this.db.query(
      `SELECT document, version FROM policies WHERE tenant_id = $1 AND name = $2
        ORDER BY version DESC LIMIT 1`,
      [tenantId, name],
    )) as { document: PolicyDocument | null; version: number }[];
    const policy = { document: rows[0]?.document ?? null, version: rows[0]?.version ?? null };
    this.cache.set(key, { policy, until: Date.now() + CACHE_MS });
    return policy;
  }
}

function toVersion(row: PolicyRow): PolicyVersion {
  return {
    name: row.name,
    version: row.version,
    document: row.document,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  };
}
