import { BUILTIN_ENTITY_TYPES } from '../detection';
import type { DetokenizeRequest, DetokenizeService } from '../tokens/detokenize.service';
import { EntityTypeNames } from '../tokens/placeholder-grammar';
import { RevealSession } from './reveal-session';
import { restoreEventStream } from './sse-restorer';

const names = new EntityTypeNames(BUILTIN_ENTITY_TYPES);
const VALUES: Record<string, string> = { '[EMAIL_ADDRESS_7QX2KD9M]': 'a"b@example.org' };

/** A session whose detokenizer knows VALUES and records what it was asked. */
function session(allowed: string[]): { session: RevealSession; asked: string[][] } {
  const asked: string[][] = [];
  const detokenizer = {
    resolveTokens: (_: DetokenizeRequest, tokens: readonly string[]) => {
      asked.push([...tokens]);
      return Promise.resolve(
        tokens.map((token) =>
          VALUES[token]
            ? { token, type: 'EMAIL_ADDRESS', outcome: 'revealed' as const, value: VALUES[token] }
            : { token, type: null, outcome: 'unknown' as const },
        ),
      );
    },
  } as unknown as DetokenizeService;
  const request = {
    caller: { keyId: 'k', tenantId: 't', tenantName: 't', roles: ['admin'] },
    policy: { name: 'default', version: null, document: {} },
    formatPreserving: false,
  } as DetokenizeRequest;
  const sent = {
    own: allowed,
    sentEarlier: () => Promise.resolve(new Set<string>()),
    prefetched: Promise.resolve(new Map()),
  };
  return { session: new RevealSession(detokenizer, request, sent), asked };
}

function chatStream(content: string[], args: string[]): string {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return (
    content.map((c) => chunk({ content: c })).join('') +
    args.map((a) => chunk({ tool_calls: [{ index: 0, function: { arguments: a } }] })).join('') +
    chunk({}, 'stop') +
    'data: [DONE]\n\n'
  );
}

async function restore(wire: string, cut: number, allowed: string[]): Promise<string> {
  const bytes = new TextEncoder().encode(wire);
  async function* chunks() {
    yield bytes.slice(0, cut);
    yield bytes.slice(cut);
  }
  let out = '';
  await restoreEventStream({
    endpoint: 'chat',
    chunks: chunks(),
    session: session(allowed).session,
    names,
    write: (text) => {
      out += text;
      return Promise.resolve();
    },
  });
  return out;
}

/** What a client assembles from the events: content and tool-call arguments. */
function assembled(out: string): { content: string; args: string; done: boolean } {
  let content = '';
  let args = '';
  let done = false;
  for (const event of out.split('\n\n')) {
    const data = event.replace(/^data: /, '');
    if (data === '[DONE]') done = true;
    if (!data.startsWith('{')) continue;
    const parsed = JSON.parse(data) as {
      choices: {
        delta: { content?: string; tool_calls?: { function: { arguments: string } }[] };
      }[];
    };
    for (const choice of parsed.choices) {
      content += choice.delta.content ?? '';
      for (const call of choice.delta.tool_calls ?? []) args += call.function.arguments;
    }
  }
  return { content, args, done };
}

describe('restoreEventStream (chat)', () => {
  const token = '[EMAIL_ADDRESS_7QX2KD9M]';
  const wire = chatStream(
    ['Mail [EMAIL_ADD', 'RESS_7QX2KD9M] now'],
    [`{"to":"${token.slice(0, 9)}`, `${token.slice(9)}"}`],
  );

  it('restores content and JSON-escaped arguments however the network cuts the events', async () => {
    for (let cut = 0; cut <= wire.length; cut += 1) {
      const result = assembled(await restore(wire, cut, [token]));
      expect({ cut, ...result }).toEqual({
        cut,
        content: 'Mail a"b@example.org now',
        args: JSON.stringify({ to: 'a"b@example.org' }),
        done: true,
      });
    }
  });
});
