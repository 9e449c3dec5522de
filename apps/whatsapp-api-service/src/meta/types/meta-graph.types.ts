/** Graph API error object (`{ "error": { ... } }`), as returned by the Cloud API. */
export interface MetaGraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { messaging_product?: string; details?: string };
  fbtrace_id?: string;
}

/**
 * 200 answer to a send. `input` echoes `to`; `wa_id` is normalised and may differ. `message_status`
 * comes only with a template send Meta paces: `accepted`, `held_for_quality_assessment` or `paused`.
 */
export interface MetaSendResponse {
  messaging_product: 'whatsapp';
  contacts?: Array<{ input: string; wa_id: string }>;
  messages?: Array<{ id: string; message_status?: string }>;
}

/** 200 answer to a mark-as-read (or typing indicator) request. */
export interface MetaMarkReadResponse {
  success: boolean;
}
