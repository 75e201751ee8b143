import { Injectable } from '@nestjs/common';
import { VaultCipherService } from '../crypto/vault-cipher.service';
import { builtinRevealLevel } from '../policy/reveal-policy';
import type { Principal } from '../access/principal';
import { findTokens, tokenType } from './token-format';
import { StoredVaultEntry, VaultRepository } from './vault.repository';

export type DetokenizeOutcome = 'revealed' | 'masked' | 'denied' | 'unknown' | 'expired';

export interface TokenResolution {
  token: string;
  type: string | null;
  outcome: DetokenizeOutcome;
  /** The value shown to the caller: the plaintext, a masked form, or absent. */
  value?: string;
}

/**
 * Resolves tokens for one caller: only rows of the caller's tenant are read, so another tenant's
 * token is indistinguishable from one that never existed. Only revealed values are decrypted.
 */
@Injectable()
export class DetokenizeService {
  constructor(
    private readonly vault: VaultRepository,
    private readonly cipher: VaultCipherService,
  ) {}

  async resolve(caller: Principal, tokens: readonly string[]): Promise<TokenResolution[]> {
    const distinct = [...new Set(tokens)];
    const wellFormed = distinct.filter((t) => tokenType(t) !== undefined);
    const entries = await this.vault.findByTokens(caller.tenantId, wellFormed);
    const now = Date.now();
    return Promise.all(
      distinct.map((token) => this.resolveOne(caller, token, entries.get(token), now)),
    );
  }

  async detokenizeText(
    caller: Principal,
    text: string,
  ): Promise<{ text: string; tokens: TokenResolution[] }> {
    const occurrences = findTokens(text);
    const resolutions = await this.resolve(
      caller,
      occurrences.map((o) => o.token),
    );
    const shown = new Map(resolutions.map((r) => [r.token, r.value]));
    let out = '';
    let cursor = 0;
    for (const occurrence of occurrences) {
      const value = shown.get(occurrence.token);
      if (value === undefined) continue;
      out += text.slice(cursor, occurrence.start) + value;
      cursor = occurrence.end;
    }
    return {
      text: out + text.slice(cursor),
      tokens: resolutions.map(({ value: _, ...rest }) => rest),
    };
  }

  private async resolveOne(
    caller: Principal,
    token: string,
    entry: StoredVaultEntry | undefined,
    now: number,
  ): Promise<TokenResolution> {
    if (!entry) return { token, type: tokenType(token) ?? null, outcome: 'unknown' };
    const type = entry.entityType;
    if (entry.expiresAt && entry.expiresAt.getTime() <= now)
      return { token, type, outcome: 'expired' };
    const level = builtinRevealLevel(caller.roles, type);
    if (level === 'deny') return { token, type, outcome: 'denied' };
    const value = await this.cipher.decrypt(
      { tenantId: caller.tenantId, token, entityType: type },
      entry,
    );
    return { token, type, outcome: 'revealed', value };
  }
}
