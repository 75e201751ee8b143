import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';

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

export class DetectedEntityDto {
  @ApiProperty() type!: string;
  @ApiProperty() start!: number;
  @ApiProperty() end!: number;
  @ApiProperty() score!: number;
  @ApiProperty() text!: string;
}

export class DetectResultDto {
  @ApiProperty({ type: [DetectedEntityDto] }) entities!: DetectedEntityDto[];
}
