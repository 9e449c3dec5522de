import { Type } from 'class-transformer';
import { Equals, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

class ReplyContextDto {
  @IsString()
  @IsNotEmpty()
  message_id: string;
}

/** Fields every Cloud API send shares; one subclass per `type` adds its content object. */
export abstract class WabaMessageBaseDto {
  @Equals('whatsapp')
  messaging_product: 'whatsapp';

  @IsOptional()
  @IsIn(['individual', 'group'])
  recipient_type?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  to: string;

  @IsString()
  type: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReplyContextDto)
  context?: ReplyContextDto;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  biz_opaque_callback_data?: string;
}
