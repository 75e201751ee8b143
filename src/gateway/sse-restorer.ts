import { VaultError } from '../common/errors';
import type { EntityTypeNames } from '../tokens/placeholder-grammar';
import { isObject, JsonObject, responsesEventSlots } from './openai-shapes';
import type { LiteralTokens } from './literal-tokens';
import type { RevealSession } from './reveal-session';
import { renderSegments, Segment, segmentText, StreamRestorer } from './stream-restorer';

export interface EventStreamRestore {
  endpoint: 'chat' | 'responses';
  chunks: AsyncIterable<Uint8Array>;
  session: RevealSession;
  names: EntityTypeNames;
  /** Format-preserving tokens the call may restore (they have no placeholder syntax). */
  literals?: LiteralTokens;
  /** Resolves once the text is handed on (waits while the caller's socket is full). */
  write(text: string): Promise<void>;
}

/** One server-sent event: its other lines as they were, and its data. */
interface ServerEvent {
  lines: string[];
  data: string | null;
}

/** A piece of an event to restore: its segments, where the result goes, how a value is escaped. */
interface Piece {
  segments: Segment[];
  write(text: string): void;
  escape?: (value: string) => string;
}

/** Inside a JSON string (streamed tool-call arguments) a value must be escaped. */
const jsonEscape = (value: string): string => JSON.stringify(value).slice(1, -1);

const EVENT_END = /\r?\n\r?\n/;

/**
 * Restores an upstream event stream as it arrives: each event is parsed, its text deltas go
 * through one StreamRestorer per text (choice, tool call, output item), and the event is written
 * on at once with what could be released. A failure mid-stream (an audit write, a spent reveal
 * budget) ends the stream with an error event; nothing held back is shown.
 */
export async function restoreEventStream(options: EventStreamRestore): Promise<void> {
  const decoder = new TextDecoder();
  const stream =
    options.endpoint === 'chat' ? new ChatStream(options) : new ResponsesStream(options);
  let buffer = '';
  try {
    for await (const chunk of options.chunks) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = EVENT_END.exec(buffer); end; end = EVENT_END.exec(buffer)) {
        const raw = buffer.slice(0, end.index);
        buffer = buffer.slice(end.index + end[0].length);
        for (const out of await stream.event(parseEvent(raw))) await options.write(out);
      }
    }
    buffer += decoder.decode();
    if (buffer.trim() !== '') {
      for (const out of await stream.event(parseEvent(buffer))) await options.write(out);
    }
    for (const out of await stream.finish()) await options.write(out);
  } catch (error) {
    await options.write(errorEvent(error));
  }
}

function parseEvent(raw: string): ServerEvent {
  const lines: string[] = [];
  const data: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    else lines.push(line);
  }
  return { lines, data: data.length > 0 ? data.join('\n') : null };
}

function formatEvent(lines: readonly string[], data: string | null): string {
  const all = data === null ? [...lines] : [...lines, `data: ${data}`];
  return `${all.join('\n')}\n\n`;
}

function errorEvent(error: unknown): string {
  const body =
    error instanceof VaultError
      ? { code: error.code, message: error.message }
      : { code: 'internal', message: 'The answer could not be restored; the stream was ended' };
  return formatEvent([], JSON.stringify({ error: body }));
}

function parseJson(data: string | null): JsonObject | null {
  if (data === null) return null;
  try {
    const value: unknown = JSON.parse(data);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

abstract class RestoredStream {
  private readonly restorers = new Map<string, StreamRestorer>();

  constructor(protected readonly options: EventStreamRestore) {}

  abstract event(event: ServerEvent): Promise<string[]>;
  abstract finish(): Promise<string[]>;

  protected restorer(key: string): StreamRestorer {
    let restorer = this.restorers.get(key);
    if (!restorer) {
      restorer = new StreamRestorer(this.options.names, this.options.literals);
      this.restorers.set(key, restorer);
    }
    return restorer;
  }

  /** Ends every restorer whose key passes `which`; returns what each still held. */
  protected flush(which: (key: string) => boolean): { key: string; segments: Segment[] }[] {
    const flushed: { key: string; segments: Segment[] }[] = [];
    for (const [key, restorer] of this.restorers) {
      if (!which(key)) continue;
      this.restorers.delete(key);
      const segments = restorer.end();
      if (segments.length > 0) flushed.push({ key, segments });
    }
    return flushed;
  }

  /** Decides every token the pieces name (one lookup), then writes each piece restored. */
  protected async render(pieces: readonly Piece[]): Promise<void> {
    await this.options.session.decide(pieces.flatMap((p) => p.segments));
    for (const piece of pieces) {
      piece.write(renderSegments(piece.segments, this.options.session.value, piece.escape));
    }
  }
}

/** `chat.completion.chunk` events: choices[].delta.content and delta.tool_calls[].function.arguments. */
class ChatStream extends RestoredStream {
  private template: JsonObject | null = null;

  async event(event: ServerEvent): Promise<string[]> {
    const chunk = parseJson(event.data);
    if (!chunk) {
      // `[DONE]` (or anything else not JSON): what is still held goes out before it.
      return [...(await this.finish()), formatEvent(event.lines, event.data)];
    }
    this.template = chunk;
    const pieces: Piece[] = [];
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      if (!isObject(choice)) continue;
      const index = typeof choice.index === 'number' ? choice.index : 0;
      if (!isObject(choice.delta)) choice.delta = {};
      const delta = choice.delta as JsonObject;
      if (typeof delta.content === 'string') {
        pieces.push({
          segments: this.restorer(`${index}`).push(delta.content),
          write: (text) => (delta.content = text),
        });
      }
      for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
        if (!isObject(call) || !isObject(call.function)) continue;
        const fn = call.function;
        if (typeof fn.arguments !== 'string') continue;
        const callIndex = typeof call.index === 'number' ? call.index : 0;
        pieces.push({
          segments: this.restorer(`${index}:${callIndex}`).push(fn.arguments),
          write: (text) => (fn.arguments = text),
          escape: jsonEscape,
        });
      }
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
        pieces.push(...this.flushInto(delta, index));
      }
    }
    await this.render(pieces);
    return [formatEvent(event.lines, JSON.stringify(chunk))];
  }

  /** The end of the stream: whatever is held goes out in one more chunk. */
  async finish(): Promise<string[]> {
    if (!this.template) return [];
    const choices = new Map<number, JsonObject>();
    const pieces: Piece[] = [];
    for (const { key, segments } of this.flush(() => true)) {
      const index = Number(key.split(':')[0]);
      const delta = choices.get(index) ?? {};
      choices.set(index, delta);
      pieces.push(...this.pieceFor(delta, key, segments));
    }
    if (pieces.length === 0) return [];
    await this.render(pieces);
    const chunk = {
      ...this.template,
      choices: [...choices].map(([index, delta]) => ({ index, delta, finish_reason: null })),
    };
    return [formatEvent([], JSON.stringify(chunk))];
  }

  private flushInto(delta: JsonObject, index: number): Piece[] {
    return this.flush((key) => key === `${index}` || key.startsWith(`${index}:`)).flatMap(
      ({ key, segments }) => this.pieceFor(delta, key, segments),
    );
  }

  private pieceFor(delta: JsonObject, key: string, segments: Segment[]): Piece[] {
    const [, callIndex] = key.split(':');
    if (callIndex === undefined) {
      return [{ segments, write: (text) => (delta.content = `${stringOr(delta.content)}${text}`) }];
    }
    if (!Array.isArray(delta.tool_calls)) delta.tool_calls = [];
    const fn: JsonObject = { arguments: '' };
    (delta.tool_calls as unknown[]).push({ index: Number(callIndex), function: fn });
    return [{ segments, write: (text) => (fn.arguments = text), escape: jsonEscape }];
  }
}

const stringOr = (value: unknown): string => (typeof value === 'string' ? value : '');

const TEXT_DELTA = 'response.output_text.delta';
const ARGUMENTS_DELTA = 'response.function_call_arguments.delta';
const DONE_OF: Record<string, string> = {
  'response.output_text.done': TEXT_DELTA,
  'response.function_call_arguments.done': ARGUMENTS_DELTA,
};

/** Responses API events: text and argument deltas streamed, whole-text events restored whole. */
class ResponsesStream extends RestoredStream {
  async event(event: ServerEvent): Promise<string[]> {
    const payload = parseJson(event.data);
    if (!payload) return [formatEvent(event.lines, event.data)];
    const type = typeof payload.type === 'string' ? payload.type : '';
    if ((type === TEXT_DELTA || type === ARGUMENTS_DELTA) && typeof payload.delta === 'string') {
      await this.render([
        {
          segments: this.restorer(keyOf(payload)).push(payload.delta),
          write: (text) => (payload.delta = text),
          escape: type === ARGUMENTS_DELTA ? jsonEscape : undefined,
        },
      ]);
      return [formatEvent(event.lines, JSON.stringify(payload))];
    }
    const out: string[] = [];
    if (DONE_OF[type] !== undefined) out.push(...(await this.heldDelta(payload, DONE_OF[type])));
    const slots = responsesEventSlots(payload);
    const segmented = slots.slots.map((slot) =>
      segmentText(slot.text, this.options.names, this.options.literals),
    );
    await this.render(
      segmented.map((segments, i) => ({ segments, write: (t) => slots.slots[i].write(t) })),
    );
    slots.commit();
    out.push(formatEvent(event.lines, JSON.stringify(payload)));
    return out;
  }

  async finish(): Promise<string[]> {
    return Promise.resolve([]);
  }

  /** Before a `.done` event: one more delta with what its text's restorer still held. */
  private async heldDelta(done: JsonObject, deltaType: string): Promise<string[]> {
    const key = keyOf(done);
    const [held] = this.flush((k) => k === key);
    if (!held) return [];
    const delta: JsonObject = {
      type: deltaType,
      item_id: done.item_id,
      output_index: done.output_index,
      ...(deltaType === TEXT_DELTA ? { content_index: done.content_index } : {}),
      delta: '',
      sequence_number: done.sequence_number,
    };
    await this.render([
      {
        segments: held.segments,
        write: (text) => (delta.delta = text),
        escape: deltaType === ARGUMENTS_DELTA ? jsonEscape : undefined,
      },
    ]);
    return [formatEvent([`event: ${deltaType}`], JSON.stringify(delta))];
  }
}

function keyOf(event: JsonObject): string {
  return `${String(event.item_id)}:${String(event.output_index)}:${String(event.content_index ?? 'args')}`;
}
