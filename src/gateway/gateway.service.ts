import { Inject, Injectable } from '@nestjs/common';
import { PassThrough, Readable } from 'node:stream';
import type { Principal } from '../auth-context/principal';
import { ErrorCode, statusFor, VaultError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';
import { TokenMetrics } from '../observability/token-metrics';
import { tokenRuleFor } from '../policy/policy-document';
import { type GoverningPolicy, PolicyService } from '../policy/policy.service';
import {
  CONVERSATION_ID_PATTERN,
  ConversationRef,
  ConversationTokens,
} from '../tokens/conversation-tokens';
import { DetokenizeService } from '../tokens/detokenize.service';
import { typeNamesFor } from '../tokens/placeholder-grammar';
import { TokenizeService } from '../tokens/tokenize.service';
import type { StoredVaultEntry } from '../tokens/vault.repository';
import {
  addChatInstruction,
  addResponsesInstruction,
  chatRequestSlots,
  chatResponseSlots,
  embeddingsRequestSlots,
  JsonObject,
  requireObject,
  responsesRequestSlots,
  responsesResponseSlots,
  SlotSet,
} from './openai-shapes';
import { LiteralTokens } from './literal-tokens';
import { RevealSession, SentTokens } from './reveal-session';
import { restoreEventStream } from './sse-restorer';
import { renderSegments, segmentText } from './stream-restorer';
import { postUpstream, UpstreamAnswer, UpstreamTarget } from './upstream';
import { UpstreamStore } from './upstream-store';

export type GatewayEndpoint = 'chat' | 'responses' | 'embeddings';

const ENDPOINTS: Record<
  GatewayEndpoint,
  { path: string; request: (body: JsonObject) => SlotSet; answer?: (body: unknown) => SlotSet }
> = {
  chat: { path: '/chat/completions', request: chatRequestSlots, answer: chatResponseSlots },
  responses: { path: '/responses', request: responsesRequestSlots, answer: responsesResponseSlots },
  // Embeddings are vectors of the tokenized text: nothing in them is ever restored.
  embeddings: { path: '/embeddings', request: embeddingsRequestSlots },
};

/** Identifies one gateway call in audit rows (and ties it to a conversation). */
export interface GatewayCall {
  requestId: string;
  /** The X-PII-Vault-Conversation header, as sent (checked here). */
  conversation?: string;
}

/** What goes back to the caller: a status, a few headers and a body (text, or a live stream). */
export interface GatewayAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | Readable;
  /** Called if the caller goes away while a stream is still being written. */
  cancel?: () => void;
}

/**
 * The OpenAI-compatible proxy: tokenizes every text a request carries under the tenant's
 * governing policy, forwards it, and restores the answer (streamed or not) for the caller's
 * roles, showing only tokens this call or its conversation sent.
 */
@Injectable()
export class GatewayService {
  constructor(
    private readonly tokenizer: TokenizeService,
    private readonly detokenizer: DetokenizeService,
    private readonly policies: PolicyService,
    private readonly conversations: ConversationTokens,
    private readonly upstreams: UpstreamStore,
    private readonly metrics: MetricsService,
    private readonly tokenMetrics: TokenMetrics,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async forward(
    endpoint: GatewayEndpoint,
    caller: Principal,
    rawBody: unknown,
    call: GatewayCall,
  ): Promise<GatewayAnswer> {
    const target = await this.upstreams.targetFor(caller.tenantId);
    const conversation = checkedConversation(call.conversation);
    const ref =
      conversation === null
        ? null
        : { tenantId: caller.tenantId, keyId: caller.keyId, conversation };
    const body = requireObject(rawBody);
    const policy = await this.policies.governing(caller.tenantId);
    const sent = await this.tokenizeRequest(endpoint, caller, policy, body, ref);
    if (ref) await this.conversations.remember(ref, sent.tokens);
    const literals = await this.literalTokens(caller, ref, sent.formatPreserving);
    const own = [...sent.tokens, ...literals];
    // The answer most likely shows this call's tokens: their rows are read while the upstream
    // answers (not the conversation's earlier ones, which may be thousands).
    const prefetched = this.detokenizer
      .prefetch(caller.tenantId, sent.tokens)
      .catch(() => new Map<string, StoredVaultEntry>());
    const upstream = await this.callUpstream(endpoint, caller, target, body);
    const session = new RevealSession(
      this.detokenizer,
      {
        caller,
        policy,
        formatPreserving: false,
        gatewayCall: { requestId: call.requestId, conversation },
      },
      this.sentTokens(ref, own, prefetched),
    );
    return this.answer(endpoint, upstream, session, policy, new LiteralTokens(literals));
  }

  /**
   * The format-preserving tokens an answer may restore: this call's, and (for a tenant that mints
   * them) those its conversation sent before.
   */
  private async literalTokens(
    caller: Principal,
    ref: ConversationRef | null,
    own: readonly string[],
  ): Promise<string[]> {
    if (ref === null || !(await this.policies.tenantUsesFormatPreserving(caller.tenantId))) {
      return [...own];
    }
    return [...new Set([...own, ...(await this.conversations.formatPreservingTokens(ref))])];
  }

  /** This call's tokens, and (with a conversation) a lookup of those it sent before. */
  private sentTokens(
    ref: ConversationRef | null,
    own: readonly string[],
    prefetched: Promise<ReadonlyMap<string, StoredVaultEntry>>,
  ): SentTokens {
    const conversations = this.conversations;
    return {
      own,
      prefetched,
      sentEarlier: (tokens) =>
        ref === null ? Promise.resolve(new Set()) : conversations.sentAmong(ref, tokens),
    };
  }

  private async callUpstream(
    endpoint: GatewayEndpoint,
    caller: Principal,
    target: UpstreamTarget,
    body: JsonObject,
  ): Promise<UpstreamAnswer> {
    const started = process.hrtime.bigint();
    let upstream: UpstreamAnswer;
    try {
      upstream = await postUpstream(
        target,
        ENDPOINTS[endpoint].path,
        body,
        this.config.PII_VAULT_UPSTREAM_TIMEOUT_MS,
      );
    } catch (error) {
      const status = error instanceof VaultError ? statusFor(error.code) : 500;
      this.metrics.observeGatewayCall(caller.keyId, endpoint, status);
      throw error;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.metrics.observeGatewayUpstream(caller.keyId, endpoint, seconds);
    this.metrics.observeGatewayCall(caller.keyId, endpoint, upstream.status);
    return upstream;
  }

  /**
   * Tokenizes the request in place; returns the tokens it sent (stored ones: masks and
   * redactions are no tokens), the format-preserving ones apart.
   */
  private async tokenizeRequest(
    endpoint: GatewayEndpoint,
    caller: Principal,
    policy: GoverningPolicy,
    body: JsonObject,
    ref: ConversationRef | null,
  ): Promise<{ tokens: string[]; formatPreserving: string[] }> {
    const slots = ENDPOINTS[endpoint].request(body);
    if (slots.slots.length === 0) return { tokens: [], formatPreserving: [] };
    const texts = slots.slots.map((s) => s.text);
    // Names link to those earlier requests of the conversation sent (README "linked name tokens").
    const context = ref ? { earlierNames: () => this.conversations.personTokens(ref) } : {};
    const results = await this.tokenizer.tokenize(
      caller.tenantId,
      policy.document,
      texts,
      '',
      context,
    );
    results.forEach((result, i) => slots.slots[i].write(result.text));
    slots.commit();
    this.tokenMetrics.tokenized(results);
    const tokens: string[] = [];
    const formatPreserving: string[] = [];
    for (const entity of results.flatMap((r) => r.entities)) {
      const format = tokenRuleFor(policy.document, entity.type).format;
      if (format === 'placeholder' || format === 'format_preserving') tokens.push(entity.token);
      if (format === 'format_preserving') formatPreserving.push(entity.token);
    }
    const count = results.reduce((n, r) => n + r.entities.length, 0);
    this.metrics.countGatewayTokens(caller.keyId, 'tokenized', count);
    const instruction = this.config.PII_VAULT_GATEWAY_INSTRUCTION;
    if (count > 0 && instruction !== 'off') {
      if (endpoint === 'chat') addChatInstruction(body, instruction);
      if (endpoint === 'responses') addResponsesInstruction(body, instruction);
    }
    return { tokens, formatPreserving };
  }

  private async answer(
    endpoint: GatewayEndpoint,
    upstream: UpstreamAnswer,
    session: RevealSession,
    policy: GoverningPolicy,
    literals: LiteralTokens,
  ): Promise<GatewayAnswer> {
    const restore = ENDPOINTS[endpoint].answer;
    const ok = upstream.status >= 200 && upstream.status < 300;
    if (ok && restore && /^text\/event-stream\b/i.test(upstream.contentType)) {
      return this.stream(endpoint, upstream, session, policy, literals);
    }
    const text = await upstream.text();
    const headers: Record<string, string> = {
      'content-type': upstream.contentType || 'application/json',
    };
    if (upstream.retryAfter !== null) headers['retry-after'] = upstream.retryAfter;
    if (!ok || !restore) {
      // Errors pass through as the upstream wrote them: it only ever saw placeholders.
      return { status: upstream.status, headers, body: text };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new VaultError(
        ErrorCode.UpstreamUnreachable,
        'The upstream model API answered with a body that is not JSON',
      );
    }
    const slots = restore(parsed);
    const names = typeNamesFor(policy.document);
    const segmented = slots.slots.map((slot) => segmentText(slot.text, names, literals));
    await session.decide(segmented.flat());
    segmented.forEach((segments, i) =>
      slots.slots[i].write(renderSegments(segments, session.value)),
    );
    slots.commit();
    this.countOutcomes(session);
    return {
      status: upstream.status,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(parsed),
    };
  }

  private stream(
    endpoint: GatewayEndpoint,
    upstream: UpstreamAnswer,
    session: RevealSession,
    policy: GoverningPolicy,
    literals: LiteralTokens,
  ): GatewayAnswer {
    const out = new PassThrough();
    // The caller may go away mid-stream: writes then go nowhere, and the pump must not wait.
    out.on('error', () => undefined);
    const write = (text: string): Promise<void> => {
      if (out.destroyed || out.writableEnded) return Promise.resolve();
      if (out.write(text)) return Promise.resolve();
      return new Promise((resolve) => {
        out.once('drain', resolve);
        out.once('close', resolve);
      });
    };
    void restoreEventStream({
      endpoint: endpoint === 'chat' ? 'chat' : 'responses',
      chunks: upstream.chunks(),
      session,
      names: typeNamesFor(policy.document),
      literals,
      write,
    }).finally(() => {
      this.countOutcomes(session);
      out.end();
    });
    return {
      status: upstream.status,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
      },
      body: out,
      cancel: () => upstream.cancel(),
    };
  }

  private countOutcomes(session: RevealSession): void {
    const keyId = session.keyId;
    for (const [outcome, count] of session.outcomes) {
      this.metrics.countGatewayTokens(keyId, outcome, count);
    }
  }
}

function checkedConversation(header: string | undefined): string | null {
  if (header === undefined) return null;
  if (!CONVERSATION_ID_PATTERN.test(header)) {
    throw new VaultError(
      ErrorCode.InvalidRequest,
      'X-PII-Vault-Conversation must be 1-128 characters of A-Z a-z 0-9 . _ : -',
    );
  }
  return header;
}
