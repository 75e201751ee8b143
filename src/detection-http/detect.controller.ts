import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';
import { BUILTIN_ENTITY_TYPES } from '../detection';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { Principal } from '../access/principal';
import { ErrorCode, VaultError } from '../common/errors';
import { detectOptionsFor } from '../policy/policy-document';
import { PolicyService } from '../policy/policy.service';
import { DetectionRunner } from './detection-runner';

export class DetectRequestDto {
  @ApiProperty() @IsString({ message: 'text must be a string' }) text!: string;

  @ApiPropertyOptional({ type: [String], description: 'Entity types to report (default: all)' })
  @IsOptional()
  @IsArray({ message: 'entities must be an array of entity type names' })
  @ArrayMaxSize(100)
  @Matches(/^[A-Z][A-Z0-9_]{0,47}$/, {
    each: true,
    message: 'entities must hold UPPER_SNAKE entity type names',
  })
  entities?: string[];

  @ApiPropertyOptional({ example: 'en' })
  @IsOptional()
  @Matches(/^en(-[A-Z]{2})?$/, { message: 'language must be en (the only language supported)' })
  language?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: 'policy must be a policy name' })
  policy?: string;
}

class DetectedEntityDto {
  @ApiProperty() type!: string;
  @ApiProperty() start!: number;
  @ApiProperty() end!: number;
  @ApiProperty() score!: number;
  @ApiProperty() text!: string;
}

class DetectResultDto {
  @ApiProperty({ type: [DetectedEntityDto] }) entities!: DetectedEntityDto[];
}

const KNOWN_TYPES = new Set<string>(BUILTIN_ENTITY_TYPES);

@ApiTags('detection')
@ApiBearerAuth()
@Controller('v1')
export class DetectController {
  constructor(
    private readonly runner: DetectionRunner,
    private readonly policies: PolicyService,
  ) {}

  @Post('detect')
  @HttpCode(200)
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiOkResponse({ type: DetectResultDto })
  async detect(
    @Body() dto: DetectRequestDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<Buffer> {
    const policy = await this.policies.resolveFor(caller, dto.policy);
    // A policy's custom recognizers add types of their own (EMPLOYEE_ID) to the known ones.
    const custom = new Set(policy.detection?.recognizers?.map((r) => r.type));
    const unknown = dto.entities?.filter((t) => !KNOWN_TYPES.has(t) && !custom.has(t)) ?? [];
    if (unknown.length > 0) {
      throw new VaultError(
        ErrorCode.InvalidRequest,
        `entities: unknown entity type ${unknown.join(', ')}`,
      );
    }
    return this.runner.detectAsJson(dto.text, detectOptionsFor(policy, dto.entities));
  }
}
