import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsTimestamp } from './payload-validation/is-timestamp.decorator';

export const TENANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class EnvelopeMetadataDto {
  /** Also the last word of routing keys (`outbound.status.{tenantId}`), so no dots or wildcards. */
  @IsString()
  @Matches(TENANT_ID_PATTERN, { message: 'metadata.tenantId must be 1-64 letters, digits, _ or -' })
  tenantId: string;

  @IsString()
  @Matches(/^\d{1,32}$/, { message: 'metadata.phoneNumberId must be a Meta phone-number-id (digits)' })
  phoneNumberId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  internalId: string;

  @IsTimestamp()
  timestamp: string | number;

  @IsOptional()
  priority?: unknown;

  @IsOptional()
  @IsInt()
  @Min(0)
  retryCount?: number;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  correlationId?: string;
}

/** A message on `outbound-processed`: routing metadata plus the exact Cloud API request body. */
export class OutboundEnvelopeDto {
  @IsObject()
  @ValidateNested()
  @Type(() => EnvelopeMetadataDto)
  metadata: EnvelopeMetadataDto;

  @IsObject()
  wabaPayload: Record<string, unknown>;
}
