import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { TENANT_ID_PATTERN } from '@lib/messaging';
import { IsTimestamp } from './payload-validation/is-timestamp.decorator';

export class EnvelopeMetadataDto {
  /** Also the last word of routing keys (`outbound.status.{tenantId}`), so no dots or wildcards. */
  @Matches(TENANT_ID_PATTERN, { message: '$property must be 1-64 letters, digits, _ or -' })
  @IsString()
  tenantId: string;

  @Matches(/^\d{1,32}$/, { message: '$property must be a Meta phone-number-id (digits)' })
  @IsString()
  phoneNumberId: string;

  @IsNotEmpty()
  @MaxLength(128)
  @IsString()
  internalId: string;

  @IsTimestamp()
  timestamp: string | number;

  @IsOptional()
  priority?: unknown;

  @IsOptional()
  @Min(0)
  @IsInt()
  retryCount?: number;

  @IsOptional()
  @MaxLength(128)
  @IsString()
  correlationId?: string;
}

/** A message on `outbound-processed`: routing metadata plus the exact Cloud API request body. */
export class OutboundEnvelopeDto {
  @ValidateNested()
  @Type(() => EnvelopeMetadataDto)
  @IsObject()
  metadata: EnvelopeMetadataDto;

  @IsObject()
  wabaPayload: Record<string, unknown>;
}
