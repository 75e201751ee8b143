import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsInt,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'support-desk' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({
    example: ['detokenizer'],
    description: 'Role names; policies decide what each may see',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/, {
    each: true,
    message: 'each role must match ^[a-z][a-z0-9_-]{0,31}$',
  })
  roles!: string[];

  @ApiPropertyOptional({
    example: 'acme',
    description: 'Tenant name (operator only; defaults to your tenant)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
    message: 'tenant must match ^[a-z0-9][a-z0-9_-]{0,62}$',
  })
  tenant?: string;

  @ApiPropertyOptional({
    example: 600,
    description: 'Requests per minute for this key (default: PII_VAULT_RATE_LIMIT_PER_MINUTE)',
  })
  @IsOptional()
  @IsInt({ message: 'rateLimitPerMinute must be an integer' })
  @Min(1, { message: 'rateLimitPerMinute must be between 1 and 10000000' })
  @Max(10_000_000, { message: 'rateLimitPerMinute must be between 1 and 10000000' })
  rateLimitPerMinute?: number;

  @ApiPropertyOptional({
    example: 1000,
    description:
      'Values this key may reveal or see masked per hour (default: PII_VAULT_REVEAL_BUDGET_PER_HOUR)',
  })
  @IsOptional()
  @IsInt({ message: 'revealBudgetPerHour must be an integer' })
  @Min(1, { message: 'revealBudgetPerHour must be between 1 and 100000000' })
  @Max(100_000_000, { message: 'revealBudgetPerHour must be between 1 and 100000000' })
  revealBudgetPerHour?: number;
}

export class ApiKeySummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Null: the configured default' })
  rateLimitPerMinute!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Null: the configured default' })
  revealBudgetPerHour!: number | null;
}

export class CreatedApiKeyDto extends ApiKeySummaryDto {
  @ApiProperty({ description: 'The secret key; shown only in this response' })
  key!: string;
}
