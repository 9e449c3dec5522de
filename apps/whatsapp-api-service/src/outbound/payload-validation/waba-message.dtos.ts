import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMinSize, Equals, IsArray, IsNotEmpty, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import {
  ContactDto,
  InteractiveContentDto,
  LocationContentDto,
  MediaContentDto,
  ReactionContentDto,
  TemplateContentDto,
  TextContentDto,
} from './message-content.dto';
import { WabaMessageBaseDto } from './waba-message-base.dto';

/** A required nested object validated by its own DTO class. */
const Content = <T>(type: () => new () => T) => applyDecorators(IsObject(), ValidateNested(), Type(type));

export class TextMessageDto extends WabaMessageBaseDto {
  @Content(() => TextContentDto)
  text: TextContentDto;
}

export class TemplateMessageDto extends WabaMessageBaseDto {
  @Content(() => TemplateContentDto)
  template: TemplateContentDto;
}

export class ImageMessageDto extends WabaMessageBaseDto {
  @Content(() => MediaContentDto)
  image: MediaContentDto;
}

export class DocumentMessageDto extends WabaMessageBaseDto {
  @Content(() => MediaContentDto)
  document: MediaContentDto;
}

export class VideoMessageDto extends WabaMessageBaseDto {
  @Content(() => MediaContentDto)
  video: MediaContentDto;
}

export class AudioMessageDto extends WabaMessageBaseDto {
  @Content(() => MediaContentDto)
  audio: MediaContentDto;
}

export class StickerMessageDto extends WabaMessageBaseDto {
  @Content(() => MediaContentDto)
  sticker: MediaContentDto;
}

export class LocationMessageDto extends WabaMessageBaseDto {
  @Content(() => LocationContentDto)
  location: LocationContentDto;
}

export class ContactsMessageDto extends WabaMessageBaseDto {
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  @IsArray()
  contacts: ContactDto[];
}

export class InteractiveMessageDto extends WabaMessageBaseDto {
  @Content(() => InteractiveContentDto)
  interactive: InteractiveContentDto;
}

export class ReactionMessageDto extends WabaMessageBaseDto {
  @Content(() => ReactionContentDto)
  reaction: ReactionContentDto;
}

/** Mark-as-read (optionally with a typing indicator): no `to`, no `type`. */
export class MarkAsReadDto {
  @Equals('whatsapp')
  messaging_product: 'whatsapp';

  @Equals('read')
  status: 'read';

  @IsNotEmpty()
  @IsString()
  message_id: string;

  @IsOptional()
  @IsObject()
  typing_indicator?: Record<string, unknown>;
}
