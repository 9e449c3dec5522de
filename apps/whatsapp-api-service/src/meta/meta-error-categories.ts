import { defineCategories, DeliveryErrorCategory } from '@lib/resilience';

/** Categories of Meta's own, beside the lib's core ones (`DeliveryErrorCategory`). */
export const MetaCategory = defineCategories({
  /** The template is missing, paused, disabled or its parameters do not match. */
  TEMPLATE_ERROR: 'dead-letter',
  /** The recipient cannot receive this message (not on WhatsApp, opted out, blocked). */
  RECIPIENT_UNAVAILABLE: 'dead-letter',
  /** The customer-service window is closed: the agent must send a template instead. */
  WINDOW_EXPIRED: 'dead-letter',
  /** Meta refused the tenant's whole account: its messages wait for the hold's next probe. */
  ACCOUNT_ON_HOLD: 'defer',
});

/** Every category the whatsapp service can report: the core ones and Meta's. */
export const WHATSAPP_CATEGORIES: readonly string[] = [...Object.values(DeliveryErrorCategory), ...Object.values(MetaCategory)];
