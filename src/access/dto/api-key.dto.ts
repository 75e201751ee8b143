import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Length,
  Matches,
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
}

export class ApiKeySummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
}

export class CreatedApiKeyDto extends ApiKeySummaryDto {
  @ApiProperty({ description: 'The secret key; shown only in this response' })
  key!: string;
}
