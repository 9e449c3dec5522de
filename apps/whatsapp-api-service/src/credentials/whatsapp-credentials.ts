/** The `credentials` object of a tenant's `type=whatsapp` record. */
export interface WhatsappCredentials {
  systemUserAccessToken: string;
  phoneNumberId: string;
  businessAccountId?: string;
  rateLimits?: { messagesPerSecond?: number; messagesPerDay?: number };
}

/** Checks a record's credentials; the error names the field, never its value. */
export function parseWhatsappCredentials(raw: unknown): WhatsappCredentials {
  if (typeof raw !== 'object' || raw === null) throw new Error('credentials object missing');
  const candidate = raw as Record<string, unknown>;
  if (typeof candidate.systemUserAccessToken !== 'string' || candidate.systemUserAccessToken.length === 0) {
    throw new Error('systemUserAccessToken missing');
  }
  if (typeof candidate.phoneNumberId !== 'string' || candidate.phoneNumberId.length === 0) {
    throw new Error('phoneNumberId missing');
  }
  return candidate as unknown as WhatsappCredentials;
}
