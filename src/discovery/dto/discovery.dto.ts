import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import type { EntityFinding } from '../column-classifier';
import type { ColumnFinding } from '../column-findings';
import type { ConnectionView, ScanView } from '../discovery.service';
import { SCAN_STATUSES, type ScanStatus } from '../scan-store';

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export class ConnectionRefDto {
  @ApiPropertyOptional({
    description:
      'postgres://user:password@host:port/database, optionally ?sslmode=disable|require|verify-ca|verify-full; ' +
      'no other parameter, no socket path. Stored encrypted, never returned',
  })
  @ValidateIf((o: ConnectionRefDto) => o.name === undefined)
  @IsString({ message: 'connection.url must be a string (or give connection.name)' })
  @MaxLength(4096, { message: 'connection.url must be at most 4096 characters' })
  url?: string;

  @ApiPropertyOptional({ description: 'Name of a saved connection' })
  @ValidateIf((o: ConnectionRefDto) => o.url === undefined || o.name !== undefined)
  @Matches(NAME, { message: 'connection.name must be a connection name' })
  name?: string;
}

export class ThresholdsDto {
  @ApiPropertyOptional({ description: 'Share of values that must match without a name hint (0.6)' })
  @IsOptional()
  @IsNumber({}, { message: 'thresholds.minRatio must be a number' })
  @Min(0, { message: 'thresholds.minRatio must be between 0 and 1' })
  @Max(1, { message: 'thresholds.minRatio must be between 0 and 1' })
  minRatio?: number;

  @ApiPropertyOptional({
    description: 'Share of values that must match when the name hints it (0.2)',
  })
  @IsOptional()
  @IsNumber({}, { message: 'thresholds.minRatioWithHint must be a number' })
  @Min(0, { message: 'thresholds.minRatioWithHint must be between 0 and 1' })
  @Max(1, { message: 'thresholds.minRatioWithHint must be between 0 and 1' })
  minRatioWithHint?: number;

  @ApiPropertyOptional({ description: 'Confidence a classification needs (0.5)' })
  @IsOptional()
  @IsNumber({}, { message: 'thresholds.minConfidence must be a number' })
  @Min(0, { message: 'thresholds.minConfidence must be between 0 and 1' })
  @Max(1, { message: 'thresholds.minConfidence must be between 0 and 1' })
  minConfidence?: number;
}

export class StartScanDto {
  @ApiProperty({ type: ConnectionRefDto })
  @IsDefined({ message: 'connection is required: { url } or { name }' })
  @IsObject({ message: 'connection must be an object: { url } or { name }' })
  @ValidateNested()
  @Type(() => ConnectionRefDto)
  connection!: ConnectionRefDto;

  @ApiPropertyOptional({ type: [String], description: 'Schemas to scan (default: all but system)' })
  @IsOptional()
  @IsArray({ message: 'schemas must be an array of names' })
  @ArrayMaxSize(1000, { message: 'schemas may list at most 1000 names' })
  @IsString({ each: true, message: 'schemas must hold strings' })
  @MaxLength(200, { each: true, message: 'schemas entries must be at most 200 characters' })
  schemas?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Tables (`name` or `schema.name`)' })
  @IsOptional()
  @IsArray({ message: 'tables must be an array of names' })
  @ArrayMaxSize(1000, { message: 'tables may list at most 1000 names' })
  @IsString({ each: true, message: 'tables must hold strings' })
  @MaxLength(200, { each: true, message: 'tables entries must be at most 200 characters' })
  tables?: string[];

  @ApiPropertyOptional({ description: 'Rows sampled per table in sample mode (default 1000)' })
  @IsOptional()
  @IsInt({ message: 'sampleRows must be an integer' })
  @Min(1, { message: 'sampleRows must be between 1 and 100000' })
  @Max(100_000, { message: 'sampleRows must be between 1 and 100000' })
  sampleRows?: number;

  @ApiPropertyOptional({ enum: ['sample', 'full'], description: 'default sample' })
  @IsOptional()
  @IsIn(['sample', 'full'], { message: 'mode must be sample or full' })
  mode?: 'sample' | 'full';

  @ApiPropertyOptional({ type: ThresholdsDto })
  @IsOptional()
  @IsObject({ message: 'thresholds must be an object' })
  @ValidateNested()
  @Type(() => ThresholdsDto)
  thresholds?: ThresholdsDto;
}

export class SaveConnectionDto {
  @ApiProperty()
  @Matches(NAME, { message: 'name must match ^[a-z0-9][a-z0-9_-]{0,62}$' })
  name!: string;

  @ApiProperty({ description: 'postgres:// URL; stored encrypted, never returned' })
  @IsString({ message: 'url must be a string' })
  @MaxLength(4096, { message: 'url must be at most 4096 characters' })
  url!: string;
}

export class ScanIdParams {
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    message: 'id must be a scan id (uuid)',
  })
  id!: string;
}

export class ConnectionNameParams {
  @Matches(NAME, { message: 'name must be a connection name' }) name!: string;
}

export class ListScansQuery {
  @ApiPropertyOptional({ description: 'Newest first; default 50, at most 500' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer between 1 and 500' })
  @Min(1, { message: 'limit must be an integer between 1 and 500' })
  @Max(500, { message: 'limit must be an integer between 1 and 500' })
  limit: number = 50;
}

class EntityFindingDto implements EntityFinding {
  @ApiProperty({ example: 'EMAIL_ADDRESS' }) type!: string;
  @ApiProperty({ description: 'Share of non-null values in which the type was found' })
  ratio!: number;
  @ApiProperty({ description: 'Values in which the type was found' }) count!: number;
  @ApiProperty({ description: 'Matches in all (a note can hold several)' }) occurrences!: number;
}

export class ColumnFindingDto implements ColumnFinding {
  @ApiProperty() schema!: string;
  @ApiProperty() table!: string;
  @ApiProperty() column!: string;
  @ApiProperty({ example: 'character varying(200)' }) dataType!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The winning entity type, or null' })
  classification!: string | null;
  @ApiProperty() confidence!: number;
  @ApiProperty({ description: 'Prose (notes, messages) rather than a field' }) freeText!: boolean;
  @ApiProperty({ description: 'Non-null values read' }) valuesScanned!: number;
  @ApiProperty({ type: [EntityFindingDto] }) entities!: EntityFindingDto[];
  @ApiPropertyOptional({ description: 'Why a column was not read' }) note?: string;
}

class ScanProgressDto {
  @ApiProperty() tablesDone!: number;
  @ApiProperty({ nullable: true, type: Number }) tablesTotal!: number | null;
  @ApiProperty() rowsScanned!: number;
}

class ScanTableDto {
  @ApiProperty() schema!: string;
  @ApiProperty() table!: string;
  @ApiProperty() rowsScanned!: number;
  @ApiProperty() done!: boolean;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
}

class ScanErrorDto {
  @ApiProperty({
    example: 'unreachable',
    description:
      'invalid_url, target_not_allowed, unreachable, authentication_failed, database_not_found, ' +
      'permission_denied, unsupported_server, target_error or internal_error',
  })
  reason!: string;
  @ApiProperty({ description: 'Names host, port and database; never credentials' })
  message!: string;
}

export class ScanViewDto implements ScanView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: SCAN_STATUSES }) status!: ScanStatus;
  @ApiProperty({ enum: ['sample', 'full'] }) mode!: 'sample' | 'full';
  @ApiProperty({ example: 'db.internal:5432/shop' }) target!: string;
  @ApiProperty({ nullable: true, type: String }) connection!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: ScanErrorDto }) error!: ScanErrorDto | null;
  @ApiProperty({ type: ScanProgressDto }) progress!: ScanProgressDto;
  @ApiProperty({ type: [ScanTableDto] }) tables!: ScanTableDto[];
  @ApiProperty({ type: [ColumnFindingDto] }) columns!: ColumnFindingDto[];
}

export class ScanStartedDto {
  @ApiProperty() id!: string;
}

export class ConnectionViewDto implements ConnectionView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'db.internal:5432/shop' }) target!: string;
  @ApiProperty() createdAt!: string;
}
