import { Inject, Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth-context/principal';
import { AuditService } from '../audit/audit.service';
import { ErrorCode, VaultError } from '../common/errors';
import { AllowedHosts } from '../config/allowed-hosts';
import { AppConfig } from '../config/app-config';
import { SecretCipherService } from '../crypto/secret-cipher.service';
import type { UpstreamTarget } from './upstream';

const SECRET_KIND = 'gateway_upstream';
/** A tenant's upstream is re-read at most this often per process (a change here is immediate). */
const CACHE_MS = 10_000;

export interface UpstreamView {
  /** `tenant`: the tenant's own; `config`: PII_VAULT_UPSTREAM_URL; `none`: neither. */
  source: 'tenant' | 'config' | 'none';
  /** host[:port] only: the URL's path and the API key are never shown. */
  host: string | null;
}

interface UpstreamRow {
  host: string;
  ciphertext: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
  key_version: number;
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
  private readonly cache = new Map<string, { target: UpstreamTarget | null; until: number }>();

  constructor(
    private readonly db: DataSource,
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
    const rows = (await this.db.query(`SELECT host FROM gateway_upstreams WHERE tenant_id = $1`, [
      caller.tenantId,
    ])) as { host: string }[];
    if (rows[0]) return { source: 'tenant', host: rows[0].host };
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
    await this.db.query(
      `INSERT INTO gateway_upstreams (tenant_id, host, ciphertext, iv, auth_tag, key_version)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id) DO UPDATE SET host = EXCLUDED.host, ciphertext = EXCLUDED.ciphertext,
         iv = EXCLUDED.iv, auth_tag = EXCLUDED.auth_tag, key_version = EXCLUDED.key_version,
         updated_at = now()`,
      [caller.tenantId, host, sealed.ciphertext, sealed.iv, sealed.tag, sealed.keyVersion],
    );
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
    await this.db.query(`DELETE FROM gateway_upstreams WHERE tenant_id = $1`, [caller.tenantId]);
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
    if (hit && hit.until > Date.now()) return hit.target;
    const rows = (await this.db.query(
      `SELECT host, ciphertext, iv, auth_tag, key_version FROM gateway_upstreams WHERE tenant_id = $1`,
      [tenantId],
    )) as UpstreamRow[];
    const row = rows[0];
    const target = row
      ? (JSON.parse(
          await this.secrets.decrypt(tenantId, SECRET_KIND, tenantId, {
            ciphertext: row.ciphertext,
            iv: row.iv,
            tag: row.auth_tag,
            keyVersion: row.key_version,
          }),
        ) as UpstreamTarget)
      : null;
    this.cache.set(tenantId, { target, until: Date.now() + CACHE_MS });
    return target;
  }
}
