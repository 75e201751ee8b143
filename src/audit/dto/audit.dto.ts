import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  type AuditAction,
  type AuditOutcome,
  type AuditQuery,
  type ChainBreakReason,
} from '../audit.types';
import { MAX_PAGE_SIZE } from '../audit.service';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

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
  @Transform(toInt)
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
  @ApiProperty({ description: 'Hex SHA-256 of the previous row' }) prevHash!: string;
  @ApiProperty({ description: 'Hex SHA-256 of this row' }) hash!: string;
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

export class ChainBreakDto {
  @ApiProperty() seq!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['hash_mismatch', 'prev_hash_mismatch', 'seq_gap'] })
  reason!: ChainBreakReason;
  @ApiPropertyOptional({ description: 'For seq_gap: the seq that is missing' })
  expectedSeq?: string;
}

export class ChainVerificationDto {
  @ApiProperty() intact!: boolean;
  @ApiProperty({ description: 'Rows verified before the first break' }) checked!: number;
  @ApiPropertyOptional({ type: ChainHeadDto, nullable: true }) head?: ChainHeadDto | null;
  @ApiPropertyOptional({ type: ChainBreakDto }) firstBreak?: ChainBreakDto;
}
