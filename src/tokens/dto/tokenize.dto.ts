import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { ExclusiveWith } from '../../common/exclusive-with';
import { CONVERSATION_ID_PATTERN } from '../conversation-tokens';

export const SCOPE_PATTERN = /^[A-Za-z0-9._:/-]{1,128}$/;
export const POLICY_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export class TokenizeRequestDto {
  @ApiPropertyOptional({ description: 'Text to tokenize (give either text or texts)' })
  @ValidateIf((o: TokenizeRequestDto) => o.texts === undefined)
  @IsDefined({ message: 'text or texts is required' })
  @IsString({ message: 'text must be a string' })
  text?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Batch of texts, tokenized consistently together',
  })
  @ValidateIf((o: TokenizeRequestDto) => o.texts !== undefined)
  @ExclusiveWith('text', { message: 'Give text or texts, not both' })
  @IsArray({ message: 'texts must be an array of strings' })
  @ArrayMinSize(1, { message: 'texts must hold at least 1 text' })
  @ArrayMaxSize(1000, { message: 'texts must hold at most 1000 texts' })
  @IsString({ each: true, message: 'texts must be an array of strings' })
  texts?: string[];

  @ApiPropertyOptional({ description: 'Policy name (default: the tenant policy "default")' })
  @IsOptional()
  @Matches(POLICY_NAME_PATTERN, { message: 'policy must be a policy name' })
  policy?: string;

  @ApiPropertyOptional({
    description: 'Consistency scope: the same value gets one token per scope',
  })
  @IsOptional()
  @IsString({ message: 'scope must be a string' })
  @Matches(SCOPE_PATTERN, { message: 'scope must be 1-128 characters of A-Z a-z 0-9 . _ : / -' })
  scope?: string;
}

export class TokenizedEntityDto {
  @ApiProperty({ example: 'EMAIL_ADDRESS' }) type!: string;
  @ApiProperty({ description: 'UTF-16 offset into the input' }) start!: number;
  @ApiProperty({ description: 'UTF-16 offset into the input, exclusive' }) end!: number;
  @ApiProperty({ example: '[EMAIL_ADDRESS_7QX2KD]' }) token!: string;
  @ApiProperty() score!: number;
}

export class TokenizeResultDto {
  @ApiProperty() text!: string;
  @ApiProperty({ type: [TokenizedEntityDto] }) entities!: TokenizedEntityDto[];
}

export class TokenizeBatchResultDto {
  @ApiProperty({ type: [TokenizeResultDto] }) results!: TokenizeResultDto[];
}

export class DetokenizeRequestDto {
  @ApiPropertyOptional({ description: 'Text with tokens in it (give either text or tokens)' })
  @ValidateIf((o: DetokenizeRequestDto) => o.tokens === undefined)
  @IsDefined({ message: 'text or tokens is required' })
  @IsString({ message: 'text must be a string' })
  text?: string;

  @ApiPropertyOptional({ type: [String] })
  @ValidateIf((o: DetokenizeRequestDto) => o.tokens !== undefined)
  @ExclusiveWith('text', { message: 'Give text or tokens, not both' })
  @IsArray({ message: 'tokens must be an array of strings' })
  @ArrayMinSize(1, { message: 'tokens must hold at least 1 token' })
  @ArrayMaxSize(10000, { message: 'tokens must hold at most 10000 tokens' })
  @IsString({ each: true, message: 'tokens must be an array of strings' })
  @MaxLength(80, { each: true, message: 'each token must be at most 80 characters' })
  tokens?: string[];

  @ApiPropertyOptional({
    description: 'Policy whose access rules apply (default: the tenant policy "default")',
  })
  @IsOptional()
  @Matches(POLICY_NAME_PATTERN, { message: 'policy must be a policy name' })
  policy?: string;

  @ApiPropertyOptional({
    type: [String],
    description:
      'Only these tokens may be shown; any other answers `foreign`, is not looked up and is audited',
  })
  @IsOptional()
  @IsArray({ message: 'allowedTokens must be an array of strings' })
  @ArrayMaxSize(10000, { message: 'allowedTokens must hold at most 10000 tokens' })
  @IsString({ each: true, message: 'allowedTokens must be an array of strings' })
  @MaxLength(80, { each: true, message: 'each allowed token must be at most 80 characters' })
  allowedTokens?: string[];

  @ApiPropertyOptional({
    description:
      'A gateway conversation id (X-PII-Vault-Conversation) of this key: only the tokens it sent may be shown',
  })
  @IsOptional()
  @Matches(CONVERSATION_ID_PATTERN, {
    message: 'conversation must be 1-128 characters of A-Z a-z 0-9 . _ : -',
  })
  conversation?: string;

  @ApiPropertyOptional({ description: 'Why the caller reveals (recorded in the audit trail)' })
  @IsOptional()
  @IsString({ message: 'purpose must be a string' })
  @MaxLength(200, { message: 'purpose must be at most 200 characters' })
  purpose?: string;
}

export class TokenResolutionDto {
  @ApiProperty() token!: string;
  @ApiProperty({ nullable: true, type: String }) type!: string | null;
  @ApiProperty({ enum: ['revealed', 'masked', 'denied', 'unknown', 'expired', 'foreign'] })
  outcome!: string;
  @ApiPropertyOptional({ description: 'Only in tokens mode, when revealed or masked' })
  value?: string;
}

export class RestoredFormDto {
  @ApiProperty({ example: '[person_7qx2kd9m]', description: 'The text as the model wrote it' })
  form!: string;
  @ApiProperty({ example: '[PERSON_7QX2KD9M]' }) token!: string;
}

export class DetokenizeResultDto {
  @ApiPropertyOptional({ description: 'Only in text mode' }) text?: string;
  @ApiProperty({ type: [TokenResolutionDto] }) tokens!: TokenResolutionDto[];
  @ApiPropertyOptional({
    type: [RestoredFormDto],
    description: 'Text mode: the mangled placeholder forms that were restored',
  })
  restoredForms?: RestoredFormDto[];
}

export class ForgetRequestDto {
  @ApiPropertyOptional({ description: 'The value to forget (give either value or token)' })
  @ValidateIf((o: ForgetRequestDto) => o.token === undefined)
  @IsDefined({ message: 'value or token is required' })
  @IsString({ message: 'value must be a string' })
  @MaxLength(10000, { message: 'value must be at most 10000 characters' })
  value?: string;

  @ApiPropertyOptional({ description: 'A token whose value is forgotten' })
  @ValidateIf((o: ForgetRequestDto) => o.token !== undefined)
  @ExclusiveWith('value', { message: 'Give value or token, not both' })
  @IsString({ message: 'token must be a string' })
  @MaxLength(80, { message: 'token must be at most 80 characters' })
  token?: string;

  @ApiPropertyOptional({ description: 'Entity type of the value (default: every type)' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{0,47}$/, { message: 'type must be an UPPER_SNAKE entity type name' })
  type?: string;
}

export class ForgetResultDto {
  @ApiProperty({ description: 'Vault entries deleted (one per scope the value was tokenized in)' })
  deleted!: number;
}
