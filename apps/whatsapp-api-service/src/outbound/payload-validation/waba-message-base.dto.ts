import { Type } from 'class-transformer';
import { Equals, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

class ReplyContextDto {
  @IsNotEmpty()
  @IsString()
  message_id: string;
}

/** Fields every Cloud API send shares; one subclass per `type` adds its content object. */
export abstract class WabaMessageBaseDto {
  @Equals('whatsapp')
  messaging_product: 'whatsapp';

  @IsOptional()
  @IsIn(['individual', 'group'])
  recipient_type?: string;

  @IsNotEmpty()
  @MaxLength(64)
  @IsString()
  to: string;

  @IsString()
  type: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => ReplyContextDto)
  @IsObject()
  context?: ReplyContextDto;

  @IsOptional()
  @MaxLength(512)
  @IsString()
  biz_opaque_callback_data?: string;
}
