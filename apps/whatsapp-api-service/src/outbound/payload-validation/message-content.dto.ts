import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/** Limits are Meta's: 4,096 characters of text, 1,024 of caption. */
export class TextContentDto {
  @IsNotEmpty()
  @MaxLength(4096)
  @IsString()
  body: string;

  @IsOptional()
  @IsBoolean()
  preview_url?: boolean;
}

class TemplateLanguageDto {
  @IsNotEmpty()
  @IsString()
  code: string;
}

export class TemplateContentDto {
  @IsNotEmpty()
  @MaxLength(512)
  @IsString()
  name: string;

  @ValidateNested()
  @Type(() => TemplateLanguageDto)
  @IsObject()
  language: TemplateLanguageDto;

  @IsOptional()
  @IsArray()
  components?: unknown[];
}

/** An uploaded media id or a public link, exactly one of them. */
export class MediaContentDto {
  @ValidateIf((media: MediaContentDto) => media.link === undefined)
  @IsNotEmpty()
  @IsString()
  id?: string;

  @ValidateIf((media: MediaContentDto) => media.id === undefined)
  @IsNotEmpty()
  @IsString()
  link?: string;

  @IsOptional()
  @MaxLength(1024)
  @IsString()
  caption?: string;

  @IsOptional()
  @IsString()
  filename?: string;
}

export class LocationContentDto {
  @IsNumber()
  latitude: number;

  @IsNumber()
  longitude: number;

  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  @IsString()
  address?: string;
}

class ContactNameDto {
  @IsNotEmpty()
  @IsString()
  formatted_name: string;
}

export class ContactDto {
  @ValidateNested()
  @Type(() => ContactNameDto)
  @IsObject()
  name: ContactNameDto;
}

export class ContactsContentDto {
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  @IsArray()
  contacts: ContactDto[];
}

export const INTERACTIVE_TYPES = [
  'button',
  'list',
  'cta_url',
  'flow',
  'product',
  'product_list',
  'catalog_message',
  'location_request_message',
  'address_message',
] as const;

export class InteractiveContentDto {
  @IsIn(INTERACTIVE_TYPES)
  type: (typeof INTERACTIVE_TYPES)[number];

  @IsObject()
  action: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  header?: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  body?: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  footer?: Record<string, unknown>;
}

export class ReactionContentDto {
  @IsNotEmpty()
  @IsString()
  message_id: string;

  /** An empty string removes an earlier reaction. */
  @IsString()
  emoji: string;
}
