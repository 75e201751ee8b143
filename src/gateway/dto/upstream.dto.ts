import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class PutUpstreamDto {
  @ApiProperty({ example: 'https://api.openai.com/v1', description: 'Base URL, ending in /v1' })
  @IsString({ message: 'url must be a string' })
  @MaxLength(2000, { message: 'url must be at most 2000 characters' })
  @Matches(/^https?:\/\//, { message: 'url must be an http(s) URL' })
  url!: string;

  @ApiPropertyOptional({ description: 'Sent upstream as a bearer token; stored encrypted' })
  @IsOptional()
  @IsString({ message: 'apiKey must be a string' })
  @MinLength(1, { message: 'apiKey must not be empty' })
  @MaxLength(4000, { message: 'apiKey must be at most 4000 characters' })
  apiKey?: string;
}

export class UpstreamViewDto {
  @ApiProperty({ enum: ['tenant', 'config', 'none'] }) source!: 'tenant' | 'config' | 'none';
  @ApiProperty({ nullable: true, type: String, description: 'host[:port] only' })
  host!: string | null;
}
