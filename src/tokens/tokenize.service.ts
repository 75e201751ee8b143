import { Inject, Injectable } from '@nestjs/common';
import { DetectionEngine } from '../detection';
import { VaultCipherService } from '../crypto/vault-cipher.service';
import { mintPlaceholderToken, TOKEN_ID_LENGTH } from './token-format';
import { isTokenClash, NewVaultEntry, valueKey, VaultRepository } from './vault.repository';

export interface TokenizedEntity {
  type: string;
  start: number;
  end: number;
  token: string;
  score: number;
}

export interface TokenizedText {
  text: string;
  entities: TokenizedEntity[];
}

interface DistinctValue {
  entityType: string;
  value: string;
  blindIndex: Buffer;
  key: string;
}

const MAX_TOKEN_CLASH_RETRIES = 4;

/**
 * Detects values, stores each new one encrypted, and replaces every value with its token.
 * The same (type, value) in a tenant and scope always maps to one token, also under concurrency:
 * the vault's unique constraint decides, and the loser re-reads the winner's token.
 */
@Injectable()
export class TokenizeService {
  constructor(
    @Inject(DetectionEngine) private readonly engine: DetectionEngine,
    private readonly cipher: VaultCipherService,
    private readonly vault: VaultRepository,
  ) {}

  async tokenize(tenantId: string, texts: readonly string[], scope = ''): Promise<TokenizedText[]> {
    const detected = texts.map((text) => this.engine.detect(text));
    const distinct = new Map<string, DistinctValue>();
    const keysPerText: string[][] = [];
    for (const entities of detected) {
      const keys: string[] = [];
      for (const entity of entities) {
        const blindIndex = await this.cipher.blindIndex(tenantId, entity.type, entity.text);
        const key = valueKey(entity.type, blindIndex);
        if (!distinct.has(key))
          distinct.set(key, { entityType: entity.type, value: entity.text, blindIndex, key });
        keys.push(key);
      }
      keysPerText.push(keys);
    }
    const tokens = await this.tokensFor(tenantId, scope, [...distinct.values()]);

    return texts.map((text, i) => {
      const entities: TokenizedEntity[] = [];
      let out = '';
      let cursor = 0;
      for (const [j, entity] of detected[i].entries()) {
        const token = tokens.get(keysPerText[i][j]);
        if (!token) throw new Error('tokenize: a detected value has no token');
        out += text.slice(cursor, entity.start) + token;
        cursor = entity.end;
        entities.push({
          type: entity.type,
          start: entity.start,
          end: entity.end,
          token,
          score: entity.score,
        });
      }
      return { text: out + text.slice(cursor), entities };
    });
  }

  /**
   * One upsert stores the new values and returns every token; values a concurrent request stored
   * meanwhile are re-read; a random token clash retries those values with a longer token.
   */
  private async tokensFor(
    tenantId: string,
    scope: string,
    values: DistinctValue[],
  ): Promise<Map<string, string>> {
    const tokens = new Map<string, string>();
    let missing = values;
    for (let attempt = 0; missing.length > 0; attempt++) {
      if (attempt > MAX_TOKEN_CLASH_RETRIES)
        throw new Error('tokenize: values stayed without a token');
      const entries = await Promise.all(
        missing.map((v) => this.newEntry(tenantId, v, TOKEN_ID_LENGTH + attempt)),
      );
      try {
        for (const [key, token] of await this.vault.upsert(tenantId, scope, entries))
          tokens.set(key, token);
      } catch (error) {
        if (!isTokenClash(error)) throw error;
        continue;
      }
      const raced = missing.filter((v) => !tokens.has(v.key));
      for (const [key, token] of await this.vault.findTokens(tenantId, scope, raced))
        tokens.set(key, token);
      missing = missing.filter((v) => !tokens.has(v.key));
    }
    return tokens;
  }

  private async newEntry(
    tenantId: string,
    value: DistinctValue,
    idLength: number,
  ): Promise<NewVaultEntry> {
    const token = mintPlaceholderToken(value.entityType, idLength);
    const encrypted = await this.cipher.encrypt(
      { tenantId, token, entityType: value.entityType },
      value.value,
    );
    return { ...encrypted, token, entityType: value.entityType, blindIndex: value.blindIndex };
  }
}
