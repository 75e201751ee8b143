/**
 * Worker-thread entry of DetectionRunner: one engine per thread, entities back as columns. The
 * thread's workerData (DetectThreadData) says whether it runs at background priority.
 */
import { DetectionEngine } from '../detection';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import Piscina from 'piscina';
import { detectResultJson } from './detect-result';
import type { DetectJob, DetectThreadData, EntityColumns } from './detection-runner';

const BACKGROUND_NICE = 10;

const engine = new DetectionEngine();
if ((Piscina.workerData as DetectThreadData | undefined)?.background) lowerThreadPriority();

/**
 * On Linux a thread has its own nice value: the bulk thread yields the CPU to the event loop
 * (health checks, small requests) whenever both want it. Elsewhere it keeps the default.
 */
function lowerThreadPriority(): void {
  try {
    // /proc/thread-self names this thread, not the process: `<pid>/task/<tid>`.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid)) setPriority(tid, BACKGROUND_NICE);
  } catch {
    // not Linux, or not allowed: run at normal priority
  }
}

/** Each text's entities, and the seconds its detection took on this thread. */
export interface DetectedColumns {
  columns: EntityColumns[];
  seconds: Float64Array;
}

/**
 * Tens of thousands of entity objects would cost the event loop hundreds of milliseconds to
 * deserialize; typed arrays and one list of type names cost almost nothing to move.
 */
export default function detect(job: DetectJob): DetectedColumns {
  const seconds = new Float64Array(job.texts.length);
  const columns = job.texts.map((text, t) => {
    const started = process.hrtime.bigint();
    const found = engine.detect(text, job.options);
    seconds[t] = Number(process.hrtime.bigint() - started) / 1e9;
    return columnsOf(found);
  });
  return { columns, seconds };
}

function columnsOf(found: ReturnType<DetectionEngine['detect']>): EntityColumns {
  const types = new NameTable();
  const recognizers = new NameTable();
  const columns: EntityColumns = {
    types: types.names,
    type: new Uint16Array(found.length),
    start: new Int32Array(found.length),
    end: new Int32Array(found.length),
    score: new Float64Array(found.length),
    recognizers: recognizers.names,
    recognizer: new Uint16Array(found.length),
  };
  found.forEach((entity, i) => {
    columns.type[i] = types.indexOf(entity.type);
    columns.recognizer[i] = recognizers.indexOf(entity.recognizer);
    columns.start[i] = entity.start;
    columns.end[i] = entity.end;
    columns.score[i] = entity.score;
  });
  return columns;
}

/** Each distinct name once; entities refer to it by index. */
class NameTable {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  indexOf(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.push(name) - 1;
      this.index.set(name, i);
    }
    return i;
  }
}

/**
 * POST /v1/detect's whole answer for one large text, serialized here and moved (not copied) to
 * the event loop.
 */
export function detectAsJson(job: DetectJob): unknown {
  // TextEncoder gives the bytes a buffer of their own (Buffer.from may share a pool slab).
  return Piscina.move(
    new TextEncoder().encode(detectResultJson(engine.detect(job.texts[0], job.options))),
  );
}
