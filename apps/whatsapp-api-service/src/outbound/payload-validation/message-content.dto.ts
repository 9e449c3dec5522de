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
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  body: string;

  @IsOptional()
  @IsBoolean()
  preview_url?: boolean;
}

class TemplateLanguageDto {
  @IsString()
  @IsNotEmpty()
  code: string;
}

export class TemplateContentDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  name: string;

  @IsObject()
  @ValidateNested()
  @Type(() => TemplateLanguageDto)
  language: TemplateLanguageDto;

  @IsOptional()
  @IsArray()
  components?: unknown[];
}

/** An uploaded media id or a public link, exactly one of them. */
export class MediaContentDto {
  @ValidateIf((media: MediaContentDto) => media.link === undefined)
  @IsString()
  @IsNotEmpty()
  id?: string;

  @ValidateIf((media: MediaContentDto) => media.id === undefined)
  @IsString()
  @IsNotEmpty()
  link?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
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
  @IsString()
  @IsNotEmpty()
  formatted_name: string;
}

export class ContactDto {
  @IsObject()
  @ValidateNested()
  @Type(() => ContactNameDto)
  name: ContactNameDto;
}

export class ContactsContentDto {
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts: ContactDto[];
}

export const INTERACTIVE_TYPES = ['button', 'list', 'cta_url', 'flow', 'product', 'product_list', 'catalog_message', 'location_request_message', 'address_message'] as const;

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
  @IsString()
  @IsNotEmpty()
  message_id: string;

  /** An empty string removes an earlier reaction. */
  @IsString()
  emoji: string;
}
