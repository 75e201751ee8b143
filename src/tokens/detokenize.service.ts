import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, VaultError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { DetectionRunner } from '../detection-runtime/detection-runner';
import type { Principal } from '../auth-context/principal';
import { AuditService } from '../audit/audit.service';
import { VaultCipherService } from '../crypto/vault-cipher.service';
import { revealLevelFor } from '../policy/policy-document';
import { type GoverningPolicy, PolicyService } from '../policy/policy.service';
import { PhaseClock } from '../observability/phase-clock';
import { TokenMetrics } from '../observability/token-metrics';
import type { DetokenizeRequestDto } from './dto/tokenize.dto';
import { RevealBudget } from '../ratelimit/reveal-budget';
import { formatPreservingCandidates } from './formats/format-preserving';
import { maskValue } from './formats/masking';
import { tokenType } from './token-format';
import { findPlaceholders, typeNamesFor } from './placeholder-grammar';
import { StoredVaultEntry, VaultRepository } from './vault.repository';
import { ConversationTokens, type ConversationRef } from './conversation-tokens';

export type DetokenizeOutcome =
  'revealed' | 'masked' | 'denied' | 'unknown' | 'expired' | 'foreign';

export interface TokenResolution {
  token: string;
  type: string | null;
  outcome: DetokenizeOutcome;
  /** What the caller may see: the plaintext or its masked form; absent otherwise. */
  value?: string;
}

export interface DetokenizeRequest {
  caller: Principal;
  /** The tenant's governing policy: never one the caller named. */
  policy: GoverningPolicy;
  /** Also look for format-preserving tokens, which have no bracket syntax. */
  formatPreserving: boolean;
  purpose?: string;
  /**
   * When set, only these tokens may be looked up and shown; any other answers `foreign`, unread,
   * and is audited as a `foreign_token` event (the gateway: tokens its conversation sent).
   */
  allowedTokens?: ReadonlySet<string>;
  /**
   * Tokens this conversation sent are allowed too (POST /v1/detokenize with `conversation`):
   * asked for only among the tokens the request looks up, never as the conversation's whole set.
   */
  conversation?: ConversationRef;
  /** The gateway call a reveal belongs to, kept in its audit row. */
  gatewayCall?: { requestId: string; conversation: string | null };
  /** Splits the handler's time into phases (pii_vault_token_phase_seconds). */
  clock?: PhaseClock;
}

/** A mangled placeholder form text mode restored, and the token it named. */
export interface RestoredForm {
  form: string;
  token: string;
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
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly detection: DetectionRunner,
    private readonly policies: PolicyService,
    private readonly tokenMetrics: TokenMetrics,
    private readonly conversations: ConversationTokens,
  ) {}

  /**
   * POST /v1/detokenize. Reveal levels and budgets come from the tenant's governing policy alone:
   * a named policy must be one the caller may name (403/404 otherwise), but never decides who
   * sees what.
   */
  async detokenize(
    caller: Principal,
    body: DetokenizeRequestDto,
  ): Promise<{ text?: string; tokens: TokenResolution[]; restoredForms?: RestoredForm[] }> {
    const clock = new PhaseClock();
    if (body.policy !== undefined) await this.policies.resolveFor(caller, body.policy);
    const request: DetokenizeRequest = {
      caller,
      policy: await this.policies.governing(caller.tenantId),
      formatPreserving: await this.policies.tenantUsesFormatPreserving(caller.tenantId),
      purpose: body.purpose,
      ...this.allowedTokensFor(caller, body),
      clock,
    };
    clock.lap('policy');
    const result = body.tokens
      ? { tokens: await this.resolveTokens(request, body.tokens) }
      : await this.detokenizeText(request, body.text!);
    this.tokenMetrics.detokenized(result.tokens);
    this.tokenMetrics.phases('detokenize', clock);
    return result;
  }

  /**
   * `allowedTokens`, and the conversation whose tokens are allowed too; no restriction when
   * neither is given.
   */
  private allowedTokensFor(
    caller: Principal,
    body: DetokenizeRequestDto,
  ): Pick<DetokenizeRequest, 'allowedTokens' | 'conversation'> {
    if (body.allowedTokens === undefined && body.conversation === undefined) return {};
    const allowedTokens = new Set(body.allowedTokens ?? []);
    if (body.conversation === undefined) return { allowedTokens };
    const conversation = {
      tenantId: caller.tenantId,
      keyId: caller.keyId,
      conversation: body.conversation,
    };
    return { allowedTokens, conversation };
  }

  /** Allows those of `tokens` the request's conversation sent (one read of just these). */
  private async admitConversationTokens(
    request: DetokenizeRequest,
    tokens: readonly string[],
  ): Promise<void> {
    if (!request.conversation) return;
    const allowed = new Set(request.allowedTokens);
    for (const token of await this.conversations.sentAmong(request.conversation, tokens)) {
      allowed.add(token);
    }
    request.allowedTokens = allowed;
  }

  /**
   * The vault rows of tokens a caller is likely to resolve soon (the gateway: its own tokens,
   * read while the upstream answers). Reads only; nothing is decided, revealed or audited.
   */
  prefetch(tenantId: string, tokens: readonly string[]): Promise<Map<string, StoredVaultEntry>> {
    return this.vault.findByTokens(tenantId, [...new Set(tokens)]);
  }

  /** `prefetched`: rows read earlier by prefetch; only tokens missing from it are read now. */
  async resolveTokens(
    request: DetokenizeRequest,
    tokens: readonly string[],
    prefetched?: ReadonlyMap<string, StoredVaultEntry>,
  ): Promise<TokenResolution[]> {
    const distinct = [...new Set(tokens)];
    this.assertWithinTokenCap(distinct.length);
    request.clock?.lap('parse');
    await this.admitConversationTokens(request, distinct);
    const allowed = distinct.filter((t) => isAllowed(request, t));
    const missing = prefetched ? allowed.filter((t) => !prefetched.has(t)) : allowed;
    const entries = await this.vault.findByTokens(request.caller.tenantId, missing);
    for (const token of allowed) {
      const entry = prefetched?.get(token);
      if (entry) entries.set(token, entry);
    }
    request.clock?.lap('lookup');
    const resolutions = await Promise.all(
      distinct.map((t) => this.resolveAllowed(request, t, entries.get(t))),
    );
    request.clock?.lap('decrypt');
    await this.revealBudget.spend(request.caller, request.policy.document, resolutions);
    request.clock?.lap('budget');
    await this.record(request, resolutions);
    request.clock?.lap('audit');
    return resolutions;
  }

  /**
   * Text mode. Bracket tokens and, for a tenant that mints format-preserving tokens, every
   * distinct format-preserving candidate (see formatPreservingCandidates) is a lookup: together
   * they count against PII_VAULT_MAX_TOKENS_PER_REQUEST, and a candidate that matches nothing is
   * charged as an unknown token, like a bracket token that matches nothing. FP tokens have no
   * mark that sets them apart from other numbers, so a guess and a plain number cost the same.
   * Unmatched candidates are counted, never listed: they may be real values.
   */
  async detokenizeText(
    request: DetokenizeRequest,
    text: string,
  ): Promise<{ text: string; tokens: TokenResolution[]; restoredForms: RestoredForm[] }> {
    const occurrences = placeholderOccurrences(request, text);
    const bracketTokens = new Set(occurrences.map((o) => o.value));
    this.assertWithinTokenCap(bracketTokens.size);
    const candidates = request.formatPreserving
      ? this.candidatesWithinCap(text, occurrences, bracketTokens.size)
      : [];
    request.clock?.lap('parse');
    await this.admitConversationTokens(request, [
      ...bracketTokens,
      ...candidates.map((c) => c.value),
    ]);
    // Only candidates the request may see are looked up (and so charged); others stay text.
    const candidateValues = new Set(
      candidates.map((c) => c.value).filter((t) => isAllowed(request, t)),
    );
    for (const token of bracketTokens) candidateValues.delete(token);
    const entries = await this.vault.findByTokens(request.caller.tenantId, [
      ...new Set([...bracketTokens, ...candidateValues].filter((t) => isAllowed(request, t))),
    ]);
    request.clock?.lap('lookup');
    // A bracket token always counts (known or not); a candidate is replaced only if stored.
    const spans = [...occurrences, ...candidates.filter((c) => entries.has(c.value))].sort(
      (a, b) => a.start - b.start,
    );
    const distinct = [...new Set(spans.map((s) => s.value))];
    const resolutions = await Promise.all(
      distinct.map((t) => this.resolveAllowed(request, t, entries.get(t))),
    );
    request.clock?.lap('decrypt');
    const unmatchedCandidates = [...candidateValues].filter((v) => !entries.has(v)).length;
    await this.revealBudget.spend(request.caller, request.policy.document, [
      ...resolutions,
      ...Array.from({ length: unmatchedCandidates }, () => ({ outcome: 'unknown' })),
    ]);
    request.clock?.lap('budget');
    await this.record(request, resolutions, unmatchedCandidates);
    request.clock?.lap('audit');

    const shown = new Map(resolutions.map((r) => [r.token, r.value]));
    let out = '';
    let cursor = 0;
    for (const span of spans) {
      const value = shown.get(span.value);
      if (value === undefined || span.start < cursor) continue;
      out += text.slice(cursor, span.start) + value + suffixOf(span);
      cursor = span.end;
    }
    const answer = {
      text: out + text.slice(cursor),
      tokens: resolutions.map(({ value: _, ...rest }) => rest),
      restoredForms: restoredForms(text, occurrences, shown),
    };
    request.clock?.lap('assemble');
    return answer;
  }

  /** A token outside the request's allowed set is foreign: never read, never shown. */
  private resolveAllowed(
    request: DetokenizeRequest,
    token: string,
    entry: StoredVaultEntry | undefined,
  ): Promise<TokenResolution> {
    if (!isAllowed(request, token)) {
      return Promise.resolve({ token, type: tokenType(token) ?? null, outcome: 'foreign' });
    }
    return this.resolveOne(request, token, entry);
  }

  /**
   * Format-preserving candidates outside bracket tokens; 413 once the distinct lookups (bracket
   * tokens plus candidates) pass PII_VAULT_MAX_TOKENS_PER_REQUEST.
   */
  private candidatesWithinCap(
    text: string,
    occurrences: readonly { start: number; end: number }[],
    bracketCount: number,
  ): { value: string; start: number; end: number }[] {
    const room = this.config.PII_VAULT_MAX_TOKENS_PER_REQUEST - bracketCount;
    const inBracket = (c: { start: number; end: number }) =>
      occurrences.some((o) => c.start < o.end && o.start < c.end);
    const found: { value: string; start: number; end: number }[] = [];
    const distinct = new Set<string>();
    for (const candidate of formatPreservingCandidates(text)) {
      if (inBracket(candidate)) continue;
      distinct.add(candidate.value);
      if (distinct.size > room) this.assertWithinTokenCap(bracketCount + distinct.size);
      found.push(candidate);
    }
    return found;
  }

  /**
   * The purpose as the audit trail keeps it: a value it names is replaced by its type. The built-in
   * types and the governing policy's own recognizers (a tenant's EMPLOYEE_ID) are looked for.
   */
  private async redacted(purpose: string, policy: GoverningPolicy): Promise<string> {
    const found = await this.detection.detect(purpose, {
      customRecognizers: policy.document.detection?.recognizers,
    });
    let out = '';
    let cursor = 0;
    for (const entity of found) {
      out += `${purpose.slice(cursor, entity.start)}[${entity.type}]`;
      cursor = entity.end;
    }
    return out + purpose.slice(cursor);
  }

  /** Bounds what one request may ask after (PII_VAULT_MAX_TOKENS_PER_REQUEST), known or not. */
  private assertWithinTokenCap(count: number): void {
    const max = this.config.PII_VAULT_MAX_TOKENS_PER_REQUEST;
    if (count <= max) return;
    throw new VaultError(
      ErrorCode.PayloadTooLarge,
      `The request names more than ${max} distinct tokens (PII_VAULT_MAX_TOKENS_PER_REQUEST); split it`,
    );
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
    const level = revealLevelFor(request.policy.document, request.caller.roles, type);
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
  private async record(
    request: DetokenizeRequest,
    resolutions: readonly TokenResolution[],
    unmatchedCandidates = 0,
  ): Promise<void> {
    await this.recordForeign(request, resolutions);
    await this.audit.record({
      tenantId: request.caller.tenantId,
      action: 'detokenize',
      apiKeyId: request.caller.keyId,
      roles: request.caller.roles,
      purpose:
        request.purpose === undefined ? null : await this.redacted(request.purpose, request.policy),
      details: {
        policy: { name: request.policy.name, version: request.policy.version },
        tokens: resolutions.map(({ token, type, outcome }) => ({ token, type, outcome })),
        ...(unmatchedCandidates > 0 ? { unmatchedCandidates } : {}),
        ...gatewayDetails(request),
      },
    });
  }

  /** A token the conversation never sent was asked after (a prompt injection, most likely). */
  private async recordForeign(
    request: DetokenizeRequest,
    resolutions: readonly TokenResolution[],
  ): Promise<void> {
    const foreign = resolutions.filter((r) => r.outcome === 'foreign');
    if (foreign.length === 0) return;
    await this.audit.record({
      tenantId: request.caller.tenantId,
      action: 'foreign_token',
      apiKeyId: request.caller.keyId,
      roles: request.caller.roles,
      details: {
        tokens: foreign.map(({ token, type, outcome }) => ({ token, type, outcome })),
        ...gatewayDetails(request),
      },
    });
  }
}

interface Occurrence {
  value: string;
  start: number;
  end: number;
  suffix?: string;
  mangled?: boolean;
}

/** Canonical and mangled placeholders (placeholder-grammar.ts), each naming its canonical token. */
function placeholderOccurrences(request: DetokenizeRequest, text: string): Occurrence[] {
  return findPlaceholders(text, typeNamesFor(request.policy.document).isKnown).map((m) => ({
    value: m.token,
    start: m.start,
    end: m.end,
    suffix: m.suffix,
    mangled: m.mangled,
  }));
}

function suffixOf(span: { value: string; suffix?: string }): string {
  return span.suffix ?? '';
}

function isAllowed(request: DetokenizeRequest, token: string): boolean {
  return request.allowedTokens === undefined || request.allowedTokens.has(token);
}

function restoredForms(
  text: string,
  occurrences: readonly Occurrence[],
  shown: ReadonlyMap<string, string | undefined>,
): RestoredForm[] {
  return occurrences
    .filter((o) => o.mangled && shown.get(o.value) !== undefined)
    .map((o) => ({ form: text.slice(o.start, o.end), token: o.value }));
}

function gatewayDetails(request: DetokenizeRequest): {
  gateway?: { requestId: string; conversation: string | null };
} {
  return request.gatewayCall ? { gateway: { ...request.gatewayCall } } : {};
}
