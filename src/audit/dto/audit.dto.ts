import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  type AuditAction,
  type AuditOutcome,
  type AuditQuery,
  type ChainBreakReason,
  type SignedChainHead,
} from '../audit.types';
import { MAX_PAGE_SIZE } from '../audit.service';

/** Query string of `GET /v1/audit`; every bad parameter is a 400 that names it. */
export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Events at or after this ISO 8601 time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Events before this ISO 8601 time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;

  @ApiPropertyOptional({ description: 'Only events done with this API key id' })
  @IsOptional()
  @IsUUID('all', { message: 'keyId must be a uuid' })
  keyId?: string;

  @ApiPropertyOptional({ description: 'Only events touching a token of this entity type' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{0,47}$/, { message: 'type must be an UPPER_SNAKE entity type' })
  type?: string;

  @ApiPropertyOptional({
    enum: AUDIT_OUTCOMES,
    description: 'Only events with a token of this outcome (of this type, when type is given too)',
  })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES, { message: `outcome must be one of ${AUDIT_OUTCOMES.join(', ')}` })
  outcome?: AuditOutcome;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS, { message: `action must be one of ${AUDIT_ACTIONS.join(', ')}` })
  action?: AuditAction;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `limit must be an integer between 1 and ${MAX_PAGE_SIZE}` })
  @Min(1, { message: `limit must be an integer between 1 and ${MAX_PAGE_SIZE}` })
  @Max(MAX_PAGE_SIZE, { message: `limit must be an integer between 1 and ${MAX_PAGE_SIZE}` })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,17}$/, { message: 'cursor must be a nextCursor of a previous page' })
  cursor?: string;

  toQuery(tenantId: string): AuditQuery {
    return {
      tenantId,
      from: this.from === undefined ? undefined : new Date(this.from),
      to: this.to === undefined ? undefined : new Date(this.to),
      apiKeyId: this.keyId,
      entityType: this.type,
      outcome: this.outcome,
      action: this.action,
      limit: this.limit,
      cursor: this.cursor,
    };
  }
}

export class AuditTokenEntryDto {
  @ApiProperty() token!: string;
  @ApiProperty({ nullable: true, type: String }) type!: string | null;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome!: AuditOutcome;
}

export class AuditEventDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Position in the tenant chain, from 1' }) seq!: string;
  @ApiProperty() occurredAt!: string;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action!: string;
  @ApiProperty({ nullable: true, type: String }) apiKeyId!: string | null;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ nullable: true, type: String }) purpose!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Ids, names and counts; `tokens` lists tokens with type and outcome, no values',
  })
  details!: Record<string, unknown>;
  @ApiProperty({ description: 'Hex hash of the previous row' }) prevHash!: string;
  @ApiProperty({
    description:
      'Hex hash of this row: HMAC-SHA-256 under the audit key (chainVersion 2), or plain SHA-256 for rows written before the chain was keyed (chainVersion 1)',
  })
  hash!: string;
  @ApiProperty({ enum: [1, 2] }) chainVersion!: number;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEventDto], description: 'Newest first' }) events!: AuditEventDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for older events' })
  nextCursor!: string | null;
}

export class ChainHeadDto {
  @ApiProperty() seq!: string;
  @ApiProperty() hash!: string;
}

export class SuppliedHeadDto {
  @ApiProperty() seq!: string;
  @ApiProperty({ enum: [true] }) contained!: true;
}

export class ChainBreakDto {
  @ApiProperty() seq!: string;
  @ApiPropertyOptional({ description: 'Absent when the row is missing (truncated)' }) id?: string;
  @ApiProperty({
    enum: [
      'hash_mismatch',
      'prev_hash_mismatch',
      'seq_gap',
      'unkeyed_link',
      'head_mismatch',
      'truncated',
    ],
  })
  reason!: ChainBreakReason;
  @ApiPropertyOptional({ description: 'For seq_gap: the seq that is missing' })
  expectedSeq?: string;
}

export class ChainVerificationDto {
  @ApiProperty() intact!: boolean;
  @ApiProperty({ description: 'Rows verified before the first break' }) checked!: number;
  @ApiProperty({
    description:
      'Of those, rows chained with plain SHA-256 before the chain was keyed (sealed by the keyed row after them)',
  })
  legacyRows!: number;
  @ApiPropertyOptional({ type: ChainHeadDto, nullable: true }) head?: ChainHeadDto | null;
  @ApiPropertyOptional({ type: SuppliedHeadDto }) suppliedHead?: SuppliedHeadDto;
  @ApiPropertyOptional({ type: ChainBreakDto }) firstBreak?: ChainBreakDto;
}

/** A head as GET /v1/audit/head returns it: keep it outside the database. */
export class SignedChainHeadDto {
  @ApiProperty({ description: "Seq of the tenant's last row ('0' for an empty chain)" })
  seq!: string;
  @ApiProperty({ description: 'Hex hash of that row' }) hash!: string;
  @ApiProperty({ description: 'When the head was exported (ISO 8601)' }) time!: string;
  @ApiProperty({ description: 'Hex HMAC-SHA-256 over tenant, seq, hash and time, audit key' })
  hmac!: string;
}

const anyHeadField = (o: AuditVerifyQueryDto) =>
  o.seq !== undefined || o.hash !== undefined || o.hmac !== undefined || o.time !== undefined;
const HEAD_FIELDS = 'seq, hash, hmac and time of a head from GET /v1/audit/head go together';

/**
 * Query string of `GET /v1/audit/verify`: nothing, or all four fields of an exported head, which
 * the chain must then still contain.
 */
export class AuditVerifyQueryDto {
  @ApiPropertyOptional({ description: 'seq of an exported head' })
  @ValidateIf(anyHeadField)
  @IsDefined({ message: `seq is missing: ${HEAD_FIELDS}` })
  @Matches(/^(0|[1-9][0-9]{0,17})$/, { message: 'seq must be the seq of an exported head' })
  seq?: string;

  @ApiPropertyOptional({ description: 'hash of an exported head (64 hex digits)' })
  @ValidateIf(anyHeadField)
  @IsDefined({ message: `hash is missing: ${HEAD_FIELDS}` })
  @Matches(/^[0-9a-f]{64}$/, { message: 'hash must be 64 lower-case hex digits' })
  hash?: string;

  @ApiPropertyOptional({ description: 'hmac of an exported head (64 hex digits)' })
  @ValidateIf(anyHeadField)
  @IsDefined({ message: `hmac is missing: ${HEAD_FIELDS}` })
  @Matches(/^[0-9a-f]{64}$/, { message: 'hmac must be 64 lower-case hex digits' })
  hmac?: string;

  @ApiPropertyOptional({ description: 'time of an exported head' })
  @ValidateIf(anyHeadField)
  @IsDefined({ message: `time is missing: ${HEAD_FIELDS}` })
  @IsISO8601({ strict: true }, { message: 'time must be the ISO 8601 time of an exported head' })
  time?: string;

  toHead(): SignedChainHead | undefined {
    if (
      this.seq === undefined ||
      this.hash === undefined ||
      this.hmac === undefined ||
      this.time === undefined
    ) {
      return undefined;
    }
    return { seq: this.seq, hash: this.hash, hmac: this.hmac, time: this.time };
  }
}
