import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, VaultError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { DetectedEntity } from '../detection';
import { DetectionRunner } from '../detection-runtime/detection-runner';
import { VaultCipherService } from '../crypto/vault-cipher.service';
import type { Principal } from '../auth-context/principal';
import { PhaseClock } from '../observability/phase-clock';
import { TokenMetrics } from '../observability/token-metrics';
import {
  detectOptionsFor,
  PolicyDocument,
  ResolvedTokenRule,
  tokenRuleFor,
} from '../policy/policy-document';
import { PolicyService } from '../policy/policy.service';
import type { TokenizeRequestDto } from './dto/tokenize.dto';
import { mintFormatPreserving, NoFormatPreservingSpaceError } from './formats/format-preserving';
import { maskValue } from './formats/masking';
import { linkedIndexValue, linkedToken, linkNames, NameLink } from './name-linking';
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
  rule: ResolvedTokenRule;
  /** A linked name's token, minted from its anchor's (name-linking.ts); else a fresh one. */
  mint?: (attempt: number) => string;
}

const MAX_TOKEN_CLASH_RETRIES = 4;

/** What a tokenize call may know beyond its texts. */
export interface TokenizeContext {
  /**
   * The PERSON tokens earlier requests of the same gateway conversation sent, in the order first
   * sent; asked for only when the texts hold a PERSON mention that could link. Their values are
   * decrypted in memory to link this request's names to them, never returned or stored anew.
   */
  earlierNames?: () => Promise<readonly string[]>;
}

/** A name an earlier request of the conversation sent, and its token. */
interface EarlierName {
  value: string;
  token: string;
}

/**
 * Detects values under a policy and replaces each with its replacement: a stored token
 * (placeholder or format-preserving; the value is stored encrypted) or an irreversible mask or
 * redaction (nothing stored). The same (type, value) in a tenant and scope always maps to one
 * token, also under concurrency: the vault's unique constraint decides, the loser re-reads.
 */
@Injectable()
export class TokenizeService {
  constructor(
    private readonly detection: DetectionRunner,
    private readonly cipher: VaultCipherService,
    private readonly vault: VaultRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly policies: PolicyService,
    private readonly tokenMetrics: TokenMetrics,
  ) {}

  /**
   * POST /v1/tokenize: under the policy the caller names (one it may name) or the tenant's own;
   * one result for `text`, a batch for `texts`.
   */
  async tokenizeFor(
    caller: Principal,
    request: TokenizeRequestDto,
  ): Promise<TokenizedText | { results: TokenizedText[] }> {
    const clock = new PhaseClock();
    const policy = await this.policies.resolveFor(caller, request.policy);
    clock.lap('policy');
    const texts = request.texts ?? [request.text!];
    const results = await this.tokenize(caller.tenantId, policy, texts, request.scope, {}, clock);
    this.tokenMetrics.tokenized(results);
    this.tokenMetrics.phases('tokenize', clock);
    return request.texts ? { results } : results[0];
  }

  async tokenize(
    tenantId: string,
    policy: PolicyDocument,
    texts: readonly string[],
    scope = '',
    context: TokenizeContext = {},
    clock = new PhaseClock(),
  ): Promise<TokenizedText[]> {
    const options = detectOptionsFor(policy);
    const detected = await this.detection.detectAll(texts, options);
    clock.lap('detect');
    this.assertWithinValueCap(detected);
    const stored = new Map<string, DistinctValue>();
    const keys = new Map<DetectedEntity, string>();
    // One blind index per distinct value, however often the text repeats it.
    const keyOfValue = new Map<string, string>();
    const { links, earlier } = await this.nameLinks(tenantId, policy, detected, context);
    const linked = new Map<DetectedEntity, NameLink>();
    for (const entity of detected.flat()) {
      const rule = tokenRuleFor(policy, entity.type);
      if (rule.format === 'mask' || rule.format === 'redact') continue;
      const link = entity.type === 'PERSON' ? links.get(entity.text) : undefined;
      if (link) {
        linked.set(entity, link);
        continue;
      }
      const valueId = `${entity.type}\u0000${entity.text}`;
      let key = keyOfValue.get(valueId);
      if (key === undefined) {
        const blindIndex = await this.cipher.blindIndex(tenantId, entity.type, entity.text);
        key = valueKey(entity.type, blindIndex);
        keyOfValue.set(valueId, key);
        if (!stored.has(key))
          stored.set(key, { entityType: entity.type, value: entity.text, blindIndex, key, rule });
      }
      keys.set(entity, key);
    }
    clock.lap('blind_index');
    const tokens = new Map<string, string>();
    for (const [storageScope, values] of byStorageScope(scope, stored.values())) {
      for (const [key, token] of await this.tokensFor(tenantId, storageScope, values, clock))
        tokens.set(key, token);
    }
    for (const name of earlier) tokens.set(earlierKey(name), name.token);
    await this.linkedTokens(tenantId, policy, scope, linked, keyOfValue, tokens, keys, earlier);
    clock.lap('link');

    const results = texts.map((text, i) => {
      const entities: TokenizedEntity[] = [];
      let out = '';
      let cursor = 0;
      for (const entity of detected[i]) {
        const key = keys.get(entity);
        const token = key ? tokens.get(key) : irreversible(policy, entity);
        if (token === undefined) throw new Error('tokenize: a detected value has no token');
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
    clock.lap('assemble');
    return results;
  }

  /**
   * Tokens for linked name mentions (README "SPEC addendum: linked name tokens"): relatives first
   * (their own token carries the anchor's id), then given/family mentions of any full name. Each
   * linked form is its own vault entry, found again by a blind index over (kind, anchor, form), so
   * the same linked form in a later request gets the same token.
   */
  private async linkedTokens(
    tenantId: string,
    policy: PolicyDocument,
    scope: string,
    linked: Map<DetectedEntity, NameLink>,
    keyOfValue: Map<string, string>,
    tokens: Map<string, string>,
    keys: Map<DetectedEntity, string>,
    earlier: readonly EarlierName[],
  ): Promise<void> {
    if (linked.size === 0) return;
    // An anchor only an earlier request sent is known by its token (tokenize put it under earlierKey).
    const earlierKeys = new Map(earlier.map((name) => [name.value, earlierKey(name)]));
    const rule = tokenRuleFor(policy, 'PERSON');
    const byValue = new Map<string, NameLink>();
    for (const link of linked.values()) byValue.set(link.value, link);
    const rounds = [
      [...byValue.values()].filter((l) => l.kind === 'relative'),
      [...byValue.values()].filter((l) => l.kind !== 'relative'),
    ];
    for (const round of rounds) {
      const values: DistinctValue[] = [];
      for (const link of round) {
        const anchorKey =
          keyOfValue.get(`PERSON\u0000${link.anchor}`) ?? earlierKeys.get(link.anchor);
        const anchorToken = anchorKey === undefined ? undefined : tokens.get(anchorKey);
        if (anchorToken === undefined) throw new Error('tokenize: a name link has no anchor');
        const blindIndex = await this.cipher.blindIndex(tenantId, 'PERSON', linkedIndexValue(link));
        const key = valueKey('PERSON', blindIndex);
        keyOfValue.set(`PERSON\u0000${link.value}`, key);
        const mint = (attempt: number): string => {
          const own = mintPlaceholderToken('PERSON', TOKEN_ID_LENGTH + attempt);
          return linkedToken(link.kind, anchorToken, own) ?? own;
        };
        values.push({ entityType: 'PERSON', value: link.value, blindIndex, key, rule, mint });
      }
      for (const [key, token] of await this.tokensFor(tenantId, scope, values))
        tokens.set(key, token);
    }
    for (const [entity, link] of linked)
      keys.set(entity, keyOfValue.get(`PERSON\u0000${link.value}`)!);
  }

  /**
   * Name links among the request's PERSON values (after the conversation's earlier names, if
   * any), when PERSON gets placeholder tokens (a format-preserving or irreversible PERSON has no
   * id to link by).
   */
  private async nameLinks(
    tenantId: string,
    policy: PolicyDocument,
    detected: readonly DetectedEntity[][],
    context: TokenizeContext,
  ): Promise<{ links: Map<string, NameLink>; earlier: EarlierName[] }> {
    if (tokenRuleFor(policy, 'PERSON').format !== 'placeholder') {
      return { links: new Map(), earlier: [] };
    }
    const people = detected
      .flat()
      .filter((e) => e.type === 'PERSON')
      .map((e) => e.text);
    const earlier =
      people.length > 0 && context.earlierNames
        ? await this.earlierNames(tenantId, await context.earlierNames())
        : [];
    return {
      links: linkNames(
        people,
        earlier.map((name) => name.value),
      ),
      earlier,
    };
  }

  /**
   * The live values behind earlier PERSON tokens, in their order, decrypted in memory only: full
   * names, and linked forms (which keep their link). A one-word plain mention links to nothing.
   */
  private async earlierNames(tenantId: string, tokens: readonly string[]): Promise<EarlierName[]> {
    const entries = await this.vault.findByTokens(tenantId, tokens);
    const names: EarlierName[] = [];
    for (const token of tokens) {
      const entry = entries.get(token);
      if (!entry?.sealed || entry.entityType !== 'PERSON') continue;
      if (entry.expiresAt && entry.expiresAt.getTime() <= Date.now()) continue;
      const value = await this.cipher.decrypt(
        { tenantId, token, entityType: 'PERSON' },
        entry.sealed,
      );
      const linkedForm = /\.(given|family)\]$/.test(token);
      if (linkedForm || /\S\s+\S/u.test(value.trim())) names.push({ value, token });
    }
    return names;
  }

  /**
   * One request may mint at most PII_VAULT_MAX_VALUES_PER_REQUEST distinct values: a single large
   * body must not flood the vault with rows (checked before anything is stored).
   */
  private assertWithinValueCap(detected: readonly DetectedEntity[][]): void {
    const max = this.config.PII_VAULT_MAX_VALUES_PER_REQUEST;
    const distinct = new Set<string>();
    for (const entity of detected.flat()) {
      distinct.add(`${entity.type}\u0000${entity.text}`);
      if (distinct.size > max) {
        throw new VaultError(
          ErrorCode.PayloadTooLarge,
          `The request holds more than ${max} distinct values (PII_VAULT_MAX_VALUES_PER_REQUEST); split it`,
        );
      }
    }
  }

  /**
   * One upsert stores the new values and returns every live token; values a concurrent request
   * stored meanwhile are re-read, expired ones renewed; a random token clash retries with fresh
   * (longer) tokens.
   */
  private async tokensFor(
    tenantId: string,
    scope: string,
    values: DistinctValue[],
    clock?: PhaseClock,
  ): Promise<Map<string, string>> {
    const tokens = new Map<string, string>();
    let missing = values;
    for (let attempt = 0; missing.length > 0; attempt++) {
      if (attempt > MAX_TOKEN_CLASH_RETRIES) throw tokenSpaceExhausted(missing);
      const entries = await this.newEntries(tenantId, missing, attempt);
      clock?.lap('seal');
      try {
        for (const [key, token] of await this.vault.upsert(tenantId, scope, entries))
          tokens.set(key, token);
        // Neither inserted nor live in the snapshot: stored by a concurrent request, or expired.
        const raced = missing.filter((v) => !tokens.has(v.key));
        for (const [key, token] of await this.vault.findTokens(tenantId, scope, raced)) {
          tokens.set(key, token);
        }
        const expired = entries.filter((e) => !tokens.has(valueKey(e.entityType, e.blindIndex)));
        for (const [key, token] of await this.vault.renewExpired(tenantId, scope, expired)) {
          tokens.set(key, token);
        }
        clock?.lap('store');
      } catch (error) {
        if (!isTokenClash(error)) throw error;
        continue;
      }
      missing = missing.filter((v) => !tokens.has(v.key));
    }
    return tokens;
  }

  /** New entries for the values; a value no format-preserving token can differ from is a 409. */
  private async newEntries(
    tenantId: string,
    values: readonly DistinctValue[],
    attempt: number,
  ): Promise<NewVaultEntry[]> {
    try {
      return await Promise.all(values.map((v) => this.newEntry(tenantId, v, attempt)));
    } catch (error) {
      if (error instanceof NoFormatPreservingSpaceError) throw tokenSpaceExhausted(values);
      throw error;
    }
  }

  private async newEntry(
    tenantId: string,
    value: DistinctValue,
    attempt: number,
  ): Promise<NewVaultEntry> {
    const token = value.mint
      ? value.mint(attempt)
      : value.rule.format === 'format_preserving'
        ? mintFormatPreserving(value.entityType, value.value, value.rule.keepLast)
        : mintPlaceholderToken(value.entityType, TOKEN_ID_LENGTH + attempt);
    const encrypted = await this.cipher.encrypt(
      { tenantId, token, entityType: value.entityType },
      value.value,
    );
    const expiresAt =
      value.rule.ttlSeconds === null ? null : new Date(Date.now() + value.rule.ttlSeconds * 1000);
    return {
      ...encrypted,
      token,
      entityType: value.entityType,
      blindIndex: value.blindIndex,
      expiresAt,
    };
  }
}

/**
 * The scope a value is stored under. A format-preserving token lives in a scope of its own per
 * keepLast (`#` is not allowed in a caller's scope, so no caller scope can collide): the token a
 * policy first minted for a value must not decide what another policy gets, such as a card's last
 * four under a policy that keeps none, or a card-shaped token under a placeholder policy.
 */
function storageScope(scope: string, rule: ResolvedTokenRule): string {
  return rule.format === 'format_preserving' ? `${scope}#fp${rule.keepLast}` : scope;
}

function byStorageScope(
  scope: string,
  values: Iterable<DistinctValue>,
): Map<string, DistinctValue[]> {
  const groups = new Map<string, DistinctValue[]>();
  for (const value of values) {
    const key = storageScope(scope, value.rule);
    const group = groups.get(key);
    if (group) group.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}

/**
 * Fresh tokens kept clashing with stored ones: the format leaves too few random characters for
 * the values of this type (names the types, never a value).
 */
function tokenSpaceExhausted(values: readonly DistinctValue[]): VaultError {
  const types = [...new Set(values.map((v) => v.entityType))].sort().join(', ');
  return new VaultError(
    ErrorCode.TokenSpaceExhausted,
    `No free token is left for some values of ${types}: their format leaves too few random characters; use a placeholder format or a lower keepLast`,
  );
}

/** Where tokenize keeps the token of a name only an earlier request sent (no blind index). */
function earlierKey(name: EarlierName): string {
  return `PERSON:earlier:${name.token}`;
}

/** `mask` keeps a type-aware hint of the value; `redact` leaves only the type. Nothing is stored. */
function irreversible(policy: PolicyDocument, entity: DetectedEntity): string {
  return tokenRuleFor(policy, entity.type).format === 'mask'
    ? maskValue(entity.type, entity.text)
    : `[${entity.type}]`;
}
