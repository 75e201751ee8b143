import { forEachMatch } from './matches';
import type { Candidate, Recognizer } from '../types';

interface SecretPattern {
  name: string;
  /**
   * The pattern cannot match unless the text contains this substring (or matches this
   * non-global regex): a memchr-fast check instead of a full scan per provider format.
   */
  requires?: string | RegExp;
  regex: RegExp;
  score: number;
}

/** Provider token formats with fixed prefixes: near-certain when they match. */
const PROVIDER_PATTERNS: readonly SecretPattern[] = [
  {
    name: 'aws_access_key_id',
    regex: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g,
    score: 1,
  },
  {
    name: 'github_token',
    requires: /gh[pousr]_/,
    regex: /\bgh[pousr]_[A-Za-z0-9]{36,251}\b/g,
    score: 1,
  },
  {
    name: 'github_fine_grained',
    requires: 'github_pat_',
    regex: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g,
    score: 1,
  },
  { name: 'gitlab_token', requires: 'glpat-', regex: /\bglpat-[A-Za-z0-9_-]{20,64}\b/g, score: 1 },
  {
    name: 'slack_token',
    requires: 'xox',
    regex: /\bxox[abposre]-[A-Za-z0-9-]{10,250}\b/g,
    score: 1,
  },
  {
    name: 'slack_webhook',
    requires: 'hooks.slack.com',
    regex: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{20,120}/g,
    score: 1,
  },
  {
    name: 'stripe_secret',
    requires: /[sr]k_(?:live|test)_/,
    regex: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}\b/g,
    score: 1,
  },
  {
    name: 'stripe_publishable',
    requires: 'pk_',
    regex: /\bpk_(?:live|test)_[A-Za-z0-9]{16,247}\b/g,
    score: 0.6,
  },
  {
    name: 'google_api_key',
    requires: 'AIza',
    regex: /\bAIza[0-9A-Za-z_-]{35}(?![\w-])/g,
    score: 1,
  },
  {
    name: 'google_oauth',
    requires: 'ya29.',
    regex: /\bya29\.[0-9A-Za-z_-]{20,2048}/g,
    score: 0.95,
  },
  {
    name: 'openai_key',
    requires: 'sk-',
    regex: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}(?![\w-])/g,
    score: 0.95,
  },
  {
    name: 'anthropic_key',
    requires: 'sk-ant-',
    regex: /\bsk-ant-[A-Za-z0-9_-]{20,200}(?![\w-])/g,
    score: 1,
  },
  {
    name: 'sendgrid_key',
    requires: 'SG.',
    regex: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g,
    score: 1,
  },
  { name: 'twilio_key', requires: 'SK', regex: /\bSK[0-9a-f]{32}\b/g, score: 0.9 },
  { name: 'npm_token', requires: 'npm_', regex: /\bnpm_[A-Za-z0-9]{36}\b/g, score: 1 },
  { name: 'pypi_token', requires: 'pypi-', regex: /\bpypi-[A-Za-z0-9_-]{50,200}/g, score: 1 },
  { name: 'mailgun_key', requires: 'key-', regex: /\bkey-[0-9a-f]{32}\b/g, score: 0.85 },
  {
    name: 'azure_storage_key',
    requires: 'AccountKey=',
    regex: /\bAccountKey=[A-Za-z0-9+/]{86}==/g,
    score: 1,
  },
  {
    name: 'jwt',
    requires: 'eyJ',
    regex: /\beyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{0,4096}/g,
    score: 0.95,
  },
  {
    name: 'basic_auth_url',
    regex: /(?<=\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@]{1,64}:)[^\s:/@]{3,128}(?=@)/g,
    score: 0.85,
    requires: '://',
  },
];

/**
 * A labelled secret: "api_key=...", "token: ...", "secret is ...". The value must look random
 * (entropy and character mix) so "password: hunter" or "token: none" stay out.
 */
const LABELLED_SECRET =
  /\b(?:api[_ -]?key|apikey|api[_ -]?secret|secret(?:[_ -]?key)?|client[_ -]?secret|access[_ -]?(?:key|token)|auth[_ -]?token|bearer|token|private[_ -]?key|password|passwd|pwd|aws_secret_access_key)["']?\s{0,3}(?:[:=]|\bis\b|=>|\s)\s{0,3}["']?([A-Za-z0-9_\-+/=.~!@$%^&*]{12,512})/dgi;
const BEARER = /\bBearer\s{1,3}([A-Za-z0-9_\-+/=.~]{16,4096})/dg;

const PEM_BEGIN = /-----BEGIN ((?:[A-Z0-9]{1,12} ){0,3})PRIVATE KEY( BLOCK)?-----/g;
const PEM_END = /-----END (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_MAX = 16384;

export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** Random-looking: mixes classes, enough entropy, not a plain word or a pure number. */
export function looksRandom(value: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
  if (classes < 2) return /^[0-9a-f]{24,}$/i.test(value) && shannonEntropy(value) > 3;
  return shannonEntropy(value) >= 3.2;
}

/** Secrets: cloud and provider keys, JWTs, PEM private keys, labelled high-entropy values. */
export class ApiKeyRecognizer implements Recognizer {
  readonly name = 'ApiKeyRecognizer';
  readonly types = ['API_KEY'];

  analyze(text: string): Candidate[] {
    const out: Candidate[] = [];
    for (const p of PROVIDER_PATTERNS) {
      const required = p.requires;
      if (required !== undefined) {
        if (typeof required === 'string' ? !text.includes(required) : !required.test(text))
          continue;
      }
      forEachMatch(p.regex, text, (m) => {
        out.push(this.candidate(m.index, m.index + m[0].length, p.score, p.name));
      });
    }
    for (const re of [LABELLED_SECRET, BEARER]) {
      forEachMatch(re, text, (m) => {
        const span = m.indices?.[1];
        if (!span) return;
        const value = text.slice(span[0], span[1]).replace(/["'.,;]+$/, '');
        if (value.length < 12 || !looksRandom(value)) return;
        out.push(
          this.candidate(
            span[0],
            span[0] + value.length,
            0.8,
            re === BEARER ? 'bearer_token' : 'labelled_secret',
          ),
        );
      });
    }
    for (const block of this.pemBlocks(text)) out.push(block);
    return out;
  }

  /** BEGIN/END pairs found in two linear passes, so many unmatched BEGIN lines stay cheap. */
  private pemBlocks(text: string): Candidate[] {
    if (!text.includes('-----BEGIN')) return [];
    const ends = [...text.matchAll(PEM_END)].map((m) => ({
      start: m.index,
      end: m.index + m[0].length,
    }));
    const out: Candidate[] = [];
    let endIndex = 0;
    let lastEnd = 0;
    for (const m of text.matchAll(PEM_BEGIN)) {
      if (m.index < lastEnd) continue;
      while (endIndex < ends.length && ends[endIndex].start < m.index) endIndex++;
      const end = ends[endIndex];
      const stop =
        end && end.end - m.index <= PEM_MAX
          ? end.end
          : this.base64BodyEnd(text, m.index + m[0].length);
      out.push(this.candidate(m.index, stop, 1, 'pem_private_key'));
      lastEnd = stop;
    }
    return out;
  }

  /** A truncated PEM block (no END line) still hides its base64 body. */
  private base64BodyEnd(text: string, from: number): number {
    let i = from;
    const limit = Math.min(text.length, from + PEM_MAX);
    while (i < limit && /[A-Za-z0-9+/=\s]/.test(text[i])) i++;
    while (i > from && /\s/.test(text[i - 1])) i--;
    return i;
  }

  private candidate(start: number, end: number, score: number, pattern: string): Candidate {
    return {
      type: 'API_KEY',
      start,
      end,
      score,
      recognizer: this.name,
      explanation: { pattern, baseScore: score, validation: 'not_applicable' },
      context: ['key', 'api', 'secret', 'token', 'credential', 'password', 'auth'],
    };
  }
}

export const apiKeyRecognizer = new ApiKeyRecognizer();
