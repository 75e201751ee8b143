/**
 * The NLP engine: PERSON, LOCATION and ORGANIZATION behind one interface. Two implementations:
 * - RuleNlpEngine: capitalisation, gazetteers and cue words only (named-entity-recognizer.ts);
 * - ModelNlpEngine (the default): the rules' verdicts become features of a trained sequence
 *   model (model/), which decides; the rules' confident spans fill in where the model is silent.
 */
import type { Candidate, Recognizer } from '../types';
import { gazetteers, type Gazetteers } from './gazetteers';
import { spansToTags, TAG_TYPES } from './model/features';
import { NerModel } from './model/ner-model';
import { NamedEntityRecognizer, wordsOf } from './named-entity-recognizer';
import type { Token } from './tokens';

export const NLP_TYPES = ['PERSON', 'LOCATION', 'ORGANIZATION'] as const;

/** Finds named entities (PERSON, LOCATION, ORGANIZATION) in a text. Stateless between calls. */
export interface NlpEngine extends Recognizer {
  readonly types: typeof NLP_TYPES;
}

/** A rule span counts as a strong rule verdict (a model feature) from this score. */
export const STRONG_RULE = 0.7;

/** The rule recognizer's verdict per word, as the model's rule features read it. */
export function ruleTagsOf(tokens: readonly Token[], found: readonly Candidate[]): Uint8Array {
  return spansToTags(
    tokens,
    [...found].sort((a, b) => a.score - b.score),
    STRONG_RULE,
  );
}

export class RuleNlpEngine implements NlpEngine {
  readonly name = 'NamedEntityRecognizer';
  readonly types = NLP_TYPES;
  private readonly rules: NamedEntityRecognizer;

  constructor(g: Gazetteers = gazetteers()) {
    this.rules = new NamedEntityRecognizer(g);
  }

  analyze(text: string): Candidate[] {
    return this.rules.analyze(text);
  }
}

export interface ModelNlpOptions {
  /** Rule spans at or above this score are kept where no model span overlaps them. */
  keepRuleScore?: number;
  /** Score given to model spans. */
  modelScore?: number;
}

export class ModelNlpEngine implements NlpEngine {
  readonly name = 'NerModel';
  readonly types = NLP_TYPES;
  private readonly rules: NamedEntityRecognizer;
  private readonly model: NerModel;
  private readonly keepRuleScore: number;
  private readonly modelScore: number;

  constructor(model?: NerModel, g: Gazetteers = gazetteers(), options: ModelNlpOptions = {}) {
    this.rules = new NamedEntityRecognizer(g);
    this.model = model ?? NerModel.load(g);
    this.keepRuleScore = options.keepRuleScore ?? Infinity;
    this.modelScore = options.modelScore ?? 0.85;
  }

  analyze(text: string): Candidate[] {
    const words = wordsOf(text);
    const found = this.rules.analyzeWords(text, words);
    const tags = this.model.ruleFeatures ? ruleTagsOf(words, found) : undefined;
    const out: Candidate[] = [];
    for (const s of this.model.tag(words, tags)) {
      const score = this.modelScore;
      out.push({
        type: TAG_TYPES[s.tag],
        start: words[s.first].start,
        end: words[s.last].end,
        score,
        recognizer: this.name,
        explanation: { pattern: 'ner_model', baseScore: score, validation: 'not_applicable' },
      });
    }
    if (this.keepRuleScore <= 1) {
      const model = out.length;
      for (const c of found) {
        if (c.score < this.keepRuleScore) continue;
        let covered = false;
        for (let i = 0; i < model && !covered; i++) {
          covered = out[i].start < c.end && c.start < out[i].end;
        }
        if (!covered) out.push(c);
      }
    }
    return out;
  }
}
