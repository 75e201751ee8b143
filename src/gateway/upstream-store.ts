import { Inject, Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../auth-context/principal';
import { AuditService } from '../audit/audit.service';
import { ErrorCode, VaultError } from '../common/errors';
import { AllowedHosts } from '../config/allowed-hosts';
import { AppConfig } from '../config/app-config';
import { SecretCipherService } from '../crypto/secret-cipher.service';
import type { UpstreamTarget } from './upstream';
import { UpstreamsRepository } from './upstreams.repository';

const SECRET_KIND = 'gateway_upstream';
/** A tenant's upstream is re-read at most this often per process (a change here is immediate). */
const CACHE_MS = 10_000;
/** Tenants whose upstream is remembered; the least recently used go. */
const CACHE_ENTRIES = 10_000;

export interface UpstreamView {
  /** `tenant`: the tenant's own; `config`: PII_VAULT_UPSTREAM_URL; `none`: neither. */
  source: 'tenant' | 'config' | 'none';
  /** host[:port] only: the URL's path and the API key are never shown. */
  host: string | null;
}

/**
 * Per-tenant upstream model APIs, set by a tenant admin: URL and key sealed together under the
 * tenant's data key, like discovery connections. Only hosts the operator lists in
 * PII_VAULT_GATEWAY_ALLOWED_UPSTREAMS may be set, so an admin cannot aim the vault's requests at
 * its internal network. Without one, the configured PII_VAULT_UPSTREAM_URL serves.
 */
@Injectable()
export class UpstreamStore {
  private readonly allowed: AllowedHosts;
  /** Tenant → its own upstream, or null for none (lru-cache holds no undefined). */
  private readonly cache = new LRUCache<string, { target: UpstreamTarget | null }>({
    max: CACHE_ENTRIES,
    ttl: CACHE_MS,
  });

  constructor(
    private readonly upstreams: UpstreamsRepository,
    private readonly secrets: SecretCipherService,
    private readonly audit: AuditService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.allowed = AllowedHosts.parse(config.PII_VAULT_GATEWAY_ALLOWED_UPSTREAMS);
  }

  /** Where this tenant's gateway calls go. */
  async targetFor(tenantId: string): Promise<UpstreamTarget> {
    const own = await this.tenantTarget(tenantId);
    if (own) return own;
    const baseUrl = this.config.PII_VAULT_UPSTREAM_URL;
    if (!baseUrl) {
      throw new VaultError(
        ErrorCode.UpstreamNotConfigured,
        'No upstream model API is configured (PII_VAULT_UPSTREAM_URL, or the tenant’s own)',
      );
    }
    return { baseUrl, apiKey: this.config.PII_VAULT_UPSTREAM_API_KEY };
  }

  async view(caller: Principal): Promise<UpstreamView> {
    const host = await this.upstreams.host(caller.tenantId);
    if (host !== undefined) return { source: 'tenant', host };
    const url = this.config.PII_VAULT_UPSTREAM_URL;
    return url ? { source: 'config', host: new URL(url).host } : { source: 'none', host: null };
  }

  async put(caller: Principal, url: string, apiKey: string | undefined): Promise<UpstreamView> {
    const host = this.checkedHost(url);
    const sealed = await this.secrets.encrypt(
      caller.tenantId,
      SECRET_KIND,
      caller.tenantId,
      JSON.stringify({ baseUrl: url, apiKey }),
    );
    await this.upstreams.upsert(caller.tenantId, { host, sealed });
    this.cache.delete(caller.tenantId);
    await this.audit.record({
      tenantId: caller.tenantId,
      action: 'gateway.upstream.put',
      apiKeyId: caller.keyId,
      roles: caller.roles,
      details: { host },
    });
    return { source: 'tenant', host };
  }

  async remove(caller: Principal): Promise<UpstreamView> {
    await this.upstreams.delete(caller.tenantId);
    this.cache.delete(caller.tenantId);
    await this.audit.record({
      tenantId: caller.tenantId,
      action: 'gateway.upstream.delete',
      apiKeyId: caller.keyId,
      roles: caller.roles,
    });
    return this.view(caller);
  }

  private checkedHost(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new VaultError(ErrorCode.InvalidRequest, 'url must be an http(s) URL');
    }
    if (!/^https?:$/.test(parsed.protocol) || parsed.username || parsed.password) {
      throw new VaultError(
        ErrorCode.InvalidRequest,
        'url must be an http(s) URL without credentials',
      );
    }
    if (parsed.search || parsed.hash) {
      throw new VaultError(ErrorCode.InvalidRequest, 'url must have no query or fragment');
    }
    const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
    const allowed =
      isIP(hostname) !== 0
        ? this.allowed.allowsAddress(hostname)
        : this.allowed.allowsName(hostname);
    if (!allowed) {
      throw new VaultError(
        ErrorCode.Forbidden,
        `${parsed.host} is not an allowed upstream host (PII_VAULT_GATEWAY_ALLOWED_UPSTREAMS)`,
      );
    }
    return parsed.host;
  }

  private async tenantTarget(tenantId: string): Promise<UpstreamTarget | null> {
    const hit = this.cache.get(tenantId);
    if (hit) return hit.target;
    const stored = await this.upstreams.find(tenantId);
    const target = stored
      ? (JSON.parse(
          await this.secrets.decrypt(tenantId, SECRET_KIND, tenantId, stored.sealed),
        ) as UpstreamTarget)
      : null;
    this.cache.set(tenantId, { target });
    return target;
  }
}
