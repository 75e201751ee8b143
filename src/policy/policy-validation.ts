import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  validateSync,
  ValidationError,
} from 'class-validator';
import { safeName } from '../common/safe-name';
import { BUILTIN_ENTITY_TYPES, validateCustomPattern } from '../detection';
import { REVEAL_LEVELS, TOKEN_FORMATS, ttlSeconds } from './policy-document';

const TYPE_NAME = /^[A-Z][A-Z0-9_]{0,47}$/;
const ROLE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const MAX_CALLER_ROLES = 100;
const MAX_TTL_SECONDS = 100 * 365 * 24 * 3600;
const MAX_REVEAL_BUDGET = 1_000_000_000;
/** Types whose values have no fixed character shape to preserve. */
const NO_FORMAT_PRESERVING = new Set([
  'PERSON',
  'LOCATION',
  'ORGANIZATION',
  'STREET_ADDRESS',
  'DATE_TIME',
]);

class RecognizerRuleDto {
  @Matches(TYPE_NAME, { message: 'must be an UPPER_SNAKE entity type name' })
  type!: string;

  @IsString()
  @MaxLength(2000)
  pattern!: string;

  @IsNumber({}, { message: 'must be a number between 0 and 1' })
  @Min(0, { message: 'must be a number between 0 and 1' })
  @Max(1, { message: 'must be a number between 0 and 1' })
  score!: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  context?: string[];
}

class DetectionRulesDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(TYPE_NAME, { each: true, message: 'must hold UPPER_SNAKE entity type names' })
  entities?: string[];

  @IsOptional()
  @IsNumber({}, { message: 'must be a number between 0 and 1' })
  @Min(0, { message: 'must be a number between 0 and 1' })
  @Max(1, { message: 'must be a number between 0 and 1' })
  minScore?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  allowList?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  denyList?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => RecognizerRuleDto)
  recognizers?: RecognizerRuleDto[];
}

class TokenRuleDto {
  @IsOptional()
  @IsIn(TOKEN_FORMATS, { message: `must be one of ${TOKEN_FORMATS.join(', ')}` })
  format?: string;

  @IsOptional()
  // At most the last four (as receipts show cards); minting also keeps at least six characters
  // random (src/tokens/formats/format-preserving.ts), so a token is never the value.
  @IsInt({ message: 'must be an integer from 0 to 4' })
  @Min(0, { message: 'must be an integer from 0 to 4' })
  @Max(4, { message: 'must be an integer from 0 to 4' })
  keepLast?: number;

  @IsOptional()
  @IsString()
  ttl?: string;
}

class PolicyDocumentDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => DetectionRulesDto)
  detection?: DetectionRulesDto;
}

/**
 * Checks a policy document strictly; every problem names its path in the document, e.g.
 * `tokens.CREDIT_CARD.format: must be one of ...`. Returns no problems for a valid document.
 */
export function validatePolicyDocument(raw: unknown): string[] {
  if (!isObject(raw)) return ['(document): must be a JSON object'];
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!['detection', 'tokens', 'access', 'limits', 'callers'].includes(key))
      problems.push(`${safeName(key)}: unknown section`);
  }
  if (raw.detection !== undefined && !isObject(raw.detection))
    problems.push('detection: must be an object');
  else problems.push(...classProblems(PolicyDocumentDto, { detection: raw.detection }, ''));

  const detection = isObject(raw.detection) ? raw.detection : {};
  const customTypes = new Set(
    Array.isArray(detection.recognizers)
      ? detection.recognizers
          .filter(isObject)
          .map((r) => r.type)
          .filter((t): t is string => typeof t === 'string')
      : [],
  );
  const known = (type: string) =>
    (BUILTIN_ENTITY_TYPES as readonly string[]).includes(type) || customTypes.has(type);

  if (Array.isArray(detection.entities)) {
    detection.entities.forEach((type, i) => {
      if (typeof type === 'string' && TYPE_NAME.test(type) && !known(type)) {
        problems.push(`detection.entities.${i}: unknown entity type ${type}`);
      }
    });
  }
  if (Array.isArray(detection.recognizers)) {
    detection.recognizers.forEach((rule, i) => {
      if (!isObject(rule) || typeof rule.pattern !== 'string') return;
      const error = validateCustomPattern(rule.pattern);
      if (error) problems.push(`detection.recognizers.${i}.pattern: ${error}`);
      if (
        typeof rule.type === 'string' &&
        (BUILTIN_ENTITY_TYPES as readonly string[]).includes(rule.type)
      ) {
        problems.push(
          `detection.recognizers.${i}.type: ${rule.type} is built in; custom types need their own name`,
        );
      }
    });
  }
  problems.push(...tokenProblems(raw.tokens, known));
  problems.push(...accessProblems(raw.access, known));
  problems.push(...limitProblems(raw.limits));
  problems.push(...callerProblems(raw.callers));
  return problems;
}

/** `callers`: the roles that may name this policy on tokenize and detect. */
function callerProblems(callers: unknown): string[] {
  if (callers === undefined) return [];
  if (!Array.isArray(callers) || callers.length > MAX_CALLER_ROLES)
    return [`callers: must be an array of at most ${MAX_CALLER_ROLES} role names`];
  return callers.flatMap((role, i) =>
    typeof role === 'string' && ROLE_NAME.test(role)
      ? []
      : [`callers.${i}: role names must match ${ROLE_NAME.source}`],
  );
}

/** `limits.revealBudgetPerHour`: role name -> whole number of values per hour. */
function limitProblems(limits: unknown): string[] {
  if (limits === undefined) return [];
  if (!isObject(limits)) return ['limits: must be an object'];
  const problems: string[] = [];
  for (const key of Object.keys(limits)) {
    if (key !== 'revealBudgetPerHour') problems.push(`limits.${safeName(key)}: unknown property`);
  }
  const budgets = limits.revealBudgetPerHour;
  if (budgets === undefined) return problems;
  if (!isObject(budgets)) {
    problems.push('limits.revealBudgetPerHour: must be an object keyed by role');
    return problems;
  }
  for (const [role, budget] of Object.entries(budgets)) {
    const path = `limits.revealBudgetPerHour.${safeName(role)}`;
    if (!ROLE_NAME.test(role)) problems.push(`${path}: role names must match ${ROLE_NAME.source}`);
    if (
      !Number.isInteger(budget) ||
      (budget as number) < 1 ||
      (budget as number) > MAX_REVEAL_BUDGET
    ) {
      problems.push(`${path}: must be an integer from 1 to ${MAX_REVEAL_BUDGET}`);
    }
  }
  return problems;
}

function tokenProblems(tokens: unknown, known: (type: string) => boolean): string[] {
  if (tokens === undefined) return [];
  if (!isObject(tokens)) return ['tokens: must be an object keyed by entity type or "default"'];
  const problems: string[] = [];
  for (const [type, rule] of Object.entries(tokens)) {
    const path = `tokens.${safeName(type)}`;
    if (type !== 'default' && !known(type)) {
      problems.push(`${path}: unknown entity type ${safeName(type)}`);
      continue;
    }
    if (!isObject(rule)) {
      problems.push(`${path}: must be an object`);
      continue;
    }
    for (const key of Object.keys(rule)) {
      if (!['format', 'keepLast', 'ttl'].includes(key))
        problems.push(`${path}.${safeName(key)}: unknown property`);
    }
    problems.push(...classProblems(TokenRuleDto, rule, path));
    if (rule.format === 'format_preserving' && NO_FORMAT_PRESERVING.has(type)) {
      problems.push(`${path}.format: format_preserving is not available for ${type}`);
    }
    if (typeof rule.ttl === 'string') {
      let seconds = NaN;
      try {
        seconds = ttlSeconds(rule.ttl);
      } catch {
        // reported below
      }
      if (!(seconds > 0 && seconds <= MAX_TTL_SECONDS)) {
        problems.push(`${path}.ttl: must be a positive ISO 8601 duration such as P30D or PT12H`);
      }
    }
  }
  return problems;
}

function accessProblems(access: unknown, known: (type: string) => boolean): string[] {
  if (access === undefined) return [];
  if (!isObject(access)) return ['access: must be an object keyed by role'];
  const problems: string[] = [];
  for (const [role, rules] of Object.entries(access)) {
    if (!ROLE_NAME.test(role))
      problems.push(`access.${safeName(role)}: role names must match ${ROLE_NAME.source}`);
    if (!isObject(rules)) {
      problems.push(`access.${safeName(role)}: must be an object keyed by entity type or "*"`);
      continue;
    }
    for (const [type, level] of Object.entries(rules)) {
      if (type !== '*' && !known(type))
        problems.push(
          `access.${safeName(role)}.${safeName(type)}: unknown entity type ${safeName(type)}`,
        );
      if (!(REVEAL_LEVELS as readonly unknown[]).includes(level)) {
        problems.push(
          `access.${safeName(role)}.${safeName(type)}: unknown reveal level; must be one of ${REVEAL_LEVELS.join(', ')}`,
        );
      }
    }
  }
  return problems;
}

function classProblems(cls: new () => object, value: unknown, prefix: string): string[] {
  const instance = plainToInstance(cls, value);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: false },
  });
  return flatten(errors, prefix);
}

function flatten(errors: ValidationError[], prefix: string): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${safeName(error.property)}` : safeName(error.property);
    for (const [kind, message] of Object.entries(error.constraints ?? {})) {
      const text =
        kind === 'whitelistValidation'
          ? 'unknown property'
          : message.replace(new RegExp(`^${error.property} `), '');
      out.push(`${path}: ${text}`);
    }
    out.push(...flatten(error.children ?? [], path));
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
