import { ErrorCode, VaultError } from '../common/errors';

/**
 * Where text sits in OpenAI API bodies: the strings the gateway tokenizes in a request and
 * restores in an answer. Everything else of a body passes through untouched.
 */

export type JsonObject = Record<string, unknown>;

/** One string of a body, and how to put a new one in its place. */
export interface TextSlot {
  text: string;
  write(text: string): void;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The text slots of a body; `commit` writes JSON-in-a-string fields back once slots are set. */
export class SlotSet {
  readonly slots: TextSlot[] = [];
  private readonly commits: (() => void)[] = [];

  text(holder: unknown, key: string): void {
    if (!isObject(holder) || typeof holder[key] !== 'string' || holder[key] === '') return;
    this.slots.push({ text: holder[key], write: (text) => (holder[key] = text) });
  }

  /** A string holding JSON (tool-call arguments, tool results): its string values, one by one. */
  json(holder: unknown, key: string): void {
    if (!isObject(holder) || typeof holder[key] !== 'string') return;
    const raw = holder[key];
    if (!/^\s*[[{"]/.test(raw)) return this.text(holder, key);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return this.text(holder, key);
    }
    const box: JsonObject = { value: parsed };
    this.walk(box, 'value');
    this.commits.push(() => (holder[key] = JSON.stringify(box.value)));
  }

  commit(): void {
    for (const commit of this.commits) commit();
  }

  /** Takes over another set's pending JSON write-backs (its slots are added by the caller). */
  adopt(other: SlotSet): void {
    this.commits.push(() => other.commit());
  }

  private walk(holder: JsonObject | unknown[], key: string | number): void {
    const value = (holder as Record<string | number, unknown>)[key];
    if (typeof value === 'string') {
      if (value !== '') {
        this.slots.push({
          text: value,
          write: (text) => ((holder as Record<string | number, unknown>)[key] = text),
        });
      }
    } else if (Array.isArray(value)) {
      value.forEach((_, i) => this.walk(value, i));
    } else if (isObject(value)) {
      for (const k of Object.keys(value)) this.walk(value, k);
    }
  }
}

/** Text of a message's `content`: a string, or parts of which those with `text` carry it. */
function contentSlots(slots: SlotSet, holder: JsonObject, key = 'content'): void {
  const content = holder[key];
  if (typeof content === 'string') return slots.text(holder, key);
  if (!Array.isArray(content)) return;
  for (const part of content) slots.text(part, 'text');
}

function toolCallSlots(slots: SlotSet, message: JsonObject): void {
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (isObject(call)) slots.json(call.function, 'arguments');
    }
  }
  slots.json(message.function_call, 'arguments');
}

export function requireObject(body: unknown): JsonObject {
  if (!isObject(body))
    throw new VaultError(ErrorCode.InvalidRequest, 'The body must be a JSON object');
  return body;
}

/** Chat completions: every message's content (system, user, assistant, tool), tool-call arguments. */
export function chatRequestSlots(body: JsonObject): SlotSet {
  if (!Array.isArray(body.messages)) {
    throw new VaultError(ErrorCode.InvalidRequest, 'messages must be an array of messages');
  }
  const slots = new SlotSet();
  for (const message of body.messages) {
    if (!isObject(message)) continue;
    if (message.role === 'tool' || message.role === 'function') slots.json(message, 'content');
    else contentSlots(slots, message);
    toolCallSlots(slots, message);
  }
  return slots;
}

/** Responses: instructions, input (text, messages, function calls and their outputs). */
export function responsesRequestSlots(body: JsonObject): SlotSet {
  const slots = new SlotSet();
  slots.text(body, 'instructions');
  if (typeof body.input === 'string') slots.text(body, 'input');
  else if (Array.isArray(body.input)) {
    for (const item of body.input) {
      if (!isObject(item)) continue;
      contentSlots(slots, item);
      slots.json(item, 'arguments');
      slots.json(item, 'output');
    }
  }
  return slots;
}

/** Embeddings: the input strings (token-id arrays pass as they are). */
export function embeddingsRequestSlots(body: JsonObject): SlotSet {
  const slots = new SlotSet();
  if (typeof body.input === 'string') slots.text(body, 'input');
  else if (Array.isArray(body.input)) {
    body.input.forEach((_, i) => {
      const holder = body.input as unknown[];
      if (typeof holder[i] === 'string' && holder[i] !== '') {
        slots.slots.push({ text: holder[i], write: (text) => (holder[i] = text) });
      }
    });
  }
  return slots;
}

/** A chat answer: each choice's message text and tool-call arguments. */
export function chatResponseSlots(body: unknown): SlotSet {
  const slots = new SlotSet();
  if (!isObject(body) || !Array.isArray(body.choices)) return slots;
  for (const choice of body.choices) {
    if (!isObject(choice) || !isObject(choice.message)) continue;
    contentSlots(slots, choice.message);
    toolCallSlots(slots, choice.message);
  }
  return slots;
}

/** A responses answer: output messages' text parts and function-call arguments. */
export function responsesResponseSlots(body: unknown): SlotSet {
  const slots = new SlotSet();
  if (!isObject(body)) return slots;
  slots.text(body, 'output_text');
  if (!Array.isArray(body.output)) return slots;
  for (const item of body.output) {
    if (!isObject(item)) continue;
    contentSlots(slots, item);
    slots.json(item, 'arguments');
  }
  return slots;
}

/** The placeholder instruction goes first: a system message, or ahead of `instructions`. */
export function addChatInstruction(body: JsonObject, instruction: string): void {
  (body.messages as unknown[]).unshift({ role: 'system', content: instruction });
}

export function addResponsesInstruction(body: JsonObject, instruction: string): void {
  body.instructions =
    typeof body.instructions === 'string' && body.instructions !== ''
      ? `${instruction}\n\n${body.instructions}`
      : instruction;
}

/**
 * A responses stream event that carries whole text (`*.done`, `response.output_item.done`,
 * `response.completed`, ...): every text and argument string in it.
 */
export function responsesEventSlots(event: JsonObject): SlotSet {
  const slots = new SlotSet();
  if (typeof event.type === 'string' && event.type.endsWith('.delta')) return slots;
  slots.text(event, 'text');
  slots.json(event, 'arguments');
  slots.text(event.part, 'text');
  if (isObject(event.item)) {
    contentSlots(slots, event.item);
    slots.json(event.item, 'arguments');
  }
  if (isObject(event.response)) {
    const inner = responsesResponseSlots(event.response);
    slots.slots.push(...inner.slots);
    slots.adopt(inner);
  }
  return slots;
}

export { isObject };
