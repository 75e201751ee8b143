import type { Candidate, Recognizer } from '../types';

const LOCAL_MAX = 64;
const DOMAIN_MAX = 253;

function isLocalChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 46 ||
    code === 95 ||
    code === 37 ||
    code === 43 ||
    code === 45 ||
    code === 39
  );
}

function isDomainChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 45 ||
    code === 46
  );
}

/**
 * Email addresses, found by scanning out from each "@" with bounded loops rather than a regex,
 * so inputs like "a@a@a@..." stay linear.
 */
export class EmailRecognizer implements Recognizer {
  readonly name = 'EmailRecognizer';
  readonly types = ['EMAIL_ADDRESS'];

  analyze(text: string): Candidate[] {
    const out: Candidate[] = [];
    let at = text.indexOf('@');
    let minStart = 0;
    while (at !== -1) {
      const found = this.expand(text, at, minStart);
      if (found) {
        out.push(found);
        minStart = found.end;
        at = text.indexOf('@', found.end);
      } else {
        at = text.indexOf('@', at + 1);
      }
    }
    return out;
  }

  private expand(text: string, at: number, minStart: number): Candidate | undefined {
    let start = at;
    while (start > minStart && at - start < LOCAL_MAX && isLocalChar(text.charCodeAt(start - 1)))
      start--;
    while (start < at && (text[start] === '.' || text[start] === "'")) start++;
    if (start === at || text[at - 1] === '.') return undefined;
    let end = at + 1;
    while (end < text.length && end - at <= DOMAIN_MAX && isDomainChar(text.charCodeAt(end))) end++;
    while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
    const domain = text.slice(at + 1, end);
    // A domain needs two labels: without a dot there is nothing to split ("a@a@a@…").
    if (!domain.includes('.')) return undefined;
    const labels = domain.split('.');
    if (
      labels.length < 2 ||
      labels.some((l) => l === '' || l.startsWith('-') || l.endsWith('-') || l.length > 63)
    )
      return undefined;
    if (!/^[a-z]{2,24}$/i.test(labels[labels.length - 1])) return undefined;
    return {
      type: 'EMAIL_ADDRESS',
      start,
      end,
      score: 1,
      recognizer: this.name,
      explanation: { pattern: 'email_scan', baseScore: 1, validation: 'passed' },
      context: ['email', 'e-mail', 'mail'],
    };
  }
}

export const emailRecognizer = new EmailRecognizer();
