import { Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { VaultCipherService } from '../crypto/vault-cipher.service';
import { PolicyDocument, revealLevelFor } from '../policy/policy-document';
import { RevealBudget } from '../ratelimit/reveal-budget';
import { formatPreservingCandidates } from './formats/format-preserving';
import { maskValue } from './formats/masking';
import { findTokens, tokenType } from './token-format';
import { StoredVaultEntry, VaultRepository } from './vault.repository';

export type DetokenizeOutcome = 'revealed' | 'masked' | 'denied' | 'unknown' | 'expired';

export interface TokenResolution {
  token: string;
  type: string | null;
  outcome: DetokenizeOutcome;
  /** What the caller may see: the plaintext or its masked form; absent otherwise. */
  value?: string;
}

export interface DetokenizeRequest {
  caller: Principal;
  policy: PolicyDocument;
  /** Also look for format-preserving tokens, which have no bracket syntax. */
  formatPreserving: boolean;
  purpose?: string;
}

/**
 * Resolves tokens for one caller under the tenant's policy. Only rows of the caller's tenant are
 * read, so another tenant's token is indistinguishable from one never issued. Only revealed or
 * masked values are decrypted, and every request is audited (durably) before anything is returned.
 */
@Injectable()
export class DetokenizeService {
  constructor(
    private readonly vault: VaultRepository,
    private readonly cipher: VaultCipherService,
    private readonly audit: AuditService,
    private readonly revealBudget: RevealBudget,
  ) {}

  async resolveTokens(
    request: DetokenizeRequest,
    tokens: readonly string[],
  ): Promise<TokenResolution[]> {
    const distinct = [...new Set(tokens)];
    const entries = await this.vault.findByTokens(request.caller.tenantId, distinct);
    const resolutions = await Promise.all(
      distinct.map((t) => this.resolveOne(request, t, entries.get(t))),
    );
    await this.revealBudget.spend(request.caller, request.policy, resolutions);
    await this.record(request, resolutions);
    return resolutions;
  }

  async detokenizeText(
    request: DetokenizeRequest,
    text: string,
  ): Promise<{ text: string; tokens: TokenResolution[] }> {
    const occurrences = findTokens(text).map((o) => ({
      value: o.token,
      start: o.start,
      end: o.end,
    }));
    const candidates = request.formatPreserving ? formatPreservingCandidates(text) : [];
    const entries = await this.vault.findByTokens(request.caller.tenantId, [
      ...new Set([...occurrences, ...candidates].map((o) => o.value)),
    ]);
    // A bracket token always counts (known or not); a format-preserving candidate only if stored.
    const spans = [...occurrences, ...candidates.filter((c) => entries.has(c.value))].sort(
      (a, b) => a.start - b.start,
    );
    const distinct = [...new Set(spans.map((s) => s.value))];
    const resolutions = await Promise.all(
      distinct.map((t) => this.resolveOne(request, t, entries.get(t))),
    );
    await this.revealBudget.spend(request.caller, request.policy, resolutions);
    await this.record(request, resolutions);

    const shown = new Map(resolutions.map((r) => [r.token, r.value]));
    let out = '';
    let cursor = 0;
    for (const span of spans) {
      const value = shown.get(span.value);
      if (value === undefined || span.start < cursor) continue;
      out += text.slice(cursor, span.start) + value;
      cursor = span.end;
    }
    return {
      text: out + text.slice(cursor),
      tokens: resolutions.map(({ value: _, ...rest }) => rest),
    };
  }

  private async resolveOne(
    request: DetokenizeRequest,
    token: string,
    entry: StoredVaultEntry | undefined,
  ): Promise<TokenResolution> {
    if (!entry) return { token, type: tokenType(token) ?? null, outcome: 'unknown' };
    const type = entry.entityType;
    if ((entry.expiresAt && entry.expiresAt.getTime() <= Date.now()) || !entry.sealed) {
      return { token, type, outcome: 'expired' };
    }
    const level = revealLevelFor(request.policy, request.caller.roles, type);
    if (level === 'deny') return { token, type, outcome: 'denied' };
    const plain = await this.cipher.decrypt(
      { tenantId: request.caller.tenantId, token, entityType: type },
      entry.sealed,
    );
    return level === 'full'
      ? { token, type, outcome: 'revealed', value: plain }
      : { token, type, outcome: 'masked', value: maskValue(type, plain) };
  }

  /** No unaudited reveal: if this write fails, the request fails and nothing is returned. */
  private record(
    request: DetokenizeRequest,
    resolutions: readonly TokenResolution[],
  ): Promise<void> {
    return this.audit.record({
      tenantId: request.caller.tenantId,
      action: 'detokenize',
      apiKeyId: request.caller.keyId,
      roles: request.caller.roles,
      purpose: request.purpose ?? null,
      details: {
        tokens: resolutions.map(({ token, type, outcome }) => ({ token, type, outcome })),
      },
    });
  }
}
