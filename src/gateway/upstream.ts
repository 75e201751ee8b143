import { ErrorCode, VaultError } from '../common/errors';

/** Where a gateway call goes: an OpenAI-compatible API's base URL (ending in /v1) and its key. */
export interface UpstreamTarget {
  baseUrl: string;
  apiKey?: string;
}

/** An upstream answer whose headers have arrived; its body is read with `chunks` or `text`. */
export interface UpstreamAnswer {
  status: number;
  contentType: string;
  retryAfter: string | null;
  /** The body as it arrives; each chunk must come within the timeout of the one before. */
  chunks(): AsyncGenerator<Uint8Array>;
  text(): Promise<string>;
  /** Stops reading (the caller went away). */
  cancel(): void;
}

class UpstreamTimeout extends Error {}

/**
 * POSTs JSON to the upstream. No answer (headers) within `timeoutMs` → 504 upstream_timeout;
 * no connection → 502 upstream_unreachable. Neither error carries anything of the request.
 * While the body streams, silence longer than `timeoutMs` ends it.
 */
export async function postUpstream(
  target: UpstreamTarget,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<UpstreamAnswer> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(new UpstreamTimeout()), timeoutMs);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  let response: Response;
  try {
    response = await fetch(`${target.baseUrl.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: controller.signal,
      redirect: 'manual',
    });
  } catch (error) {
    clearTimeout(timer);
    throw upstreamError(error, controller.signal);
  }
  clearTimeout(timer);

  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new UpstreamTimeout()), timeoutMs);
  };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (!response.body) return;
    const reader = response.body.getReader();
    try {
      for (;;) {
        rearm();
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } catch (error) {
      throw upstreamError(error, controller.signal);
    } finally {
      clearTimeout(timer);
      reader.releaseLock();
    }
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    retryAfter: response.headers.get('retry-after'),
    chunks,
    async text() {
      const decoder = new TextDecoder();
      let out = '';
      for await (const chunk of chunks()) out += decoder.decode(chunk, { stream: true });
      return out + decoder.decode();
    },
    cancel() {
      clearTimeout(timer);
      controller.abort();
    },
  };
}

function upstreamError(error: unknown, signal: AbortSignal): VaultError {
  if (signal.reason instanceof UpstreamTimeout) {
    return new VaultError(
      ErrorCode.UpstreamTimeout,
      'The upstream model API did not answer in time',
    );
  }
  void error; // its message may name hosts or echo a body: only its kind is reported
  return new VaultError(
    ErrorCode.UpstreamUnreachable,
    'The upstream model API could not be reached',
  );
}
