import {
  AudioMessageDto,
  ContactsMessageDto,
  DocumentMessageDto,
  ImageMessageDto,
  InteractiveMessageDto,
  LocationMessageDto,
  MarkAsReadDto,
  ReactionMessageDto,
  StickerMessageDto,
  TemplateMessageDto,
  TextMessageDto,
  VideoMessageDto,
} from './waba-message.dtos';

/** Every `type` the Cloud API accepts on `/messages`, each with the DTO that validates it. */
export const WABA_MESSAGE_DTOS = {
  text: TextMessageDto,
  template: TemplateMessageDto,
  image: ImageMessageDto,
  document: DocumentMessageDto,
  video: VideoMessageDto,
  audio: AudioMessageDto,
  sticker: StickerMessageDto,
  location: LocationMessageDto,
  contacts: ContactsMessageDto,
  interactive: InteractiveMessageDto,
  reaction: ReactionMessageDto,
} as const;

export type WabaMessageType = keyof typeof WABA_MESSAGE_DTOS;

/** Metric/log label of a mark-as-read request, which has no `type`. */
export const MARK_AS_READ = 'mark_as_read';

export const MARK_AS_READ_DTO = MarkAsReadDto;

export function isWabaMessageType(type: unknown): type is WabaMessageType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(WABA_MESSAGE_DTOS, type);
}
