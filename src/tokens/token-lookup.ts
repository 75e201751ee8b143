import DataLoader from 'dataloader';

/** A token looked up in one tenant's vault. */
interface TokenKey {
  tenantId: string;
  token: string;
}

/** Tokens one statement reads at most; a larger batch is split. */
const MAX_TOKENS_PER_STATEMENT = 1000;

/** Reads one tenant's rows of these tokens, keyed by token. */
export type SelectByTokens<Entry> = (
  tenantId: string,
  tokens: readonly string[],
) => Promise<Map<string, Entry>>;

/**
 * Token lookups of the requests whose bodies arrived in the same event-loop turn, answered by one
 * statement per tenant: under load several reveals share a round trip instead of one each (the
 * statement and its syscalls, on both sides, were a large part of a reveal's CPU). The batch runs
 * from setImmediate, after the turn's I/O callbacks, so a lone request waits for nothing else.
 * Each caller gets only the tokens it asked for, of its own tenant; a failed statement fails only
 * its tenant's callers. Nothing is cached: every lookup reads the table, so a forgotten or renewed
 * token is never served stale.
 */
export class TokenLookup<Entry> {
  private readonly loader: DataLoader<TokenKey, Entry | undefined>;

  constructor(private readonly select: SelectByTokens<Entry>) {
    this.loader = new DataLoader((keys) => this.selectBatch(keys), {
      cache: false,
      maxBatchSize: MAX_TOKENS_PER_STATEMENT,
      batchScheduleFn: (dispatch) => setImmediate(dispatch),
    });
  }

  /** The tenant's entries of these tokens, keyed by token (unknown tokens are absent). */
  async find(tenantId: string, tokens: readonly string[]): Promise<Map<string, Entry>> {
    const distinct = [...new Set(tokens)];
    const entries = await Promise.all(
      distinct.map((token) => this.loader.load({ tenantId, token })),
    );
    const found = new Map<string, Entry>();
    distinct.forEach((token, i) => {
      const entry = entries[i];
      if (entry !== undefined) found.set(token, entry);
    });
    return found;
  }

  /** One statement per tenant of the batch; answers in the order of `keys`. */
  private async selectBatch(keys: readonly TokenKey[]): Promise<(Entry | undefined | Error)[]> {
    const byTenant = new Map<string, Set<string>>();
    for (const { tenantId, token } of keys) {
      byTenant.set(tenantId, (byTenant.get(tenantId) ?? new Set<string>()).add(token));
    }
    const found = new Map<string, Map<string, Entry> | Error>();
    await Promise.all(
      [...byTenant].map(async ([tenantId, tokens]) => {
        try {
          found.set(tenantId, await this.select(tenantId, [...tokens]));
        } catch (error) {
          found.set(tenantId, error instanceof Error ? error : new Error('token lookup failed'));
        }
      }),
    );
    return keys.map(({ tenantId, token }) => {
      const entries = found.get(tenantId);
      return entries instanceof Error ? entries : entries?.get(token);
    });
  }
}
