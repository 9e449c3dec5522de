import { Injectable, Logger } from '@nestjs/common';
import { detailsConversationIdOf } from '../genesys/genesys-answer.readers';
import { GenesysApiClient, MessageDetailsCall } from '../genesys/genesys-api.client';

/** Waits between look-ups of a message's details: they may lag behind the accepted message (Genesys answers 404 meanwhile). */
const LOOKUP_WAITS_MS = [250, 500, 1_000, 2_000];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The conversation a message landed in when Genesys's answer did not say (`conversationId` is there only
 * when prefetched): `GET …/messages/{messageId}/details`, a few times while it answers 404. Never the
 * message id in its place: undefined when Genesys does not tell, and the message stays sent.
 */
@Injectable()
export class ConversationLookup {
  private readonly logger = new Logger('ConversationLookup');

  constructor(private readonly api: GenesysApiClient) {}

  async lookUp(call: MessageDetailsCall): Promise<string | undefined> {
    for (let attempt = 0; ; attempt += 1) {
      const response = await this.api.messageDetails(call).catch(() => undefined);
      const conversationId = response?.status === 200 ? detailsConversationIdOf(response.body) : undefined;
      if (conversationId) return conversationId;
      const lagging = response === undefined || response.status === 404 || response.status >= 500;
      if (!lagging || attempt >= LOOKUP_WAITS_MS.length) {
        this.logger.warn({
          event: 'conversation_unknown',
          genesysMessageId: call.messageId,
          httpStatus: response?.status,
          lookups: attempt + 1,
        });
        return undefined;
      }
      await sleep(LOOKUP_WAITS_MS[attempt]);
    }
  }
}
