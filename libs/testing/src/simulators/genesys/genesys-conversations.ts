import { randomBytes, randomUUID } from 'node:crypto';

export interface SimulatedCustomer {
  id: string;
  idType?: string;
}

/** A message Genesys holds: a customer's (inbound, posted by the service) or an agent's (outbound). */
export interface SimulatedGenesysMessage {
  id: string;
  integrationId: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  customer: SimulatedCustomer;
  /** `channel.messageId` of an inbound message: the provider's (WhatsApp's) id. */
  providerMessageId?: string;
  text?: string;
  time: string;
  /** MessageData status values (SDK enum): inbound `received`; outbound `sent`, then `delivery-*` per receipt. */
  status: 'received' | 'sent' | 'delivery-success' | 'delivery-failed';
  /** The normalized message as Genesys answered or sent it, with its `id`. */
  normalized: Record<string, unknown>;
  /** Receipts posted for an outbound message, in order. */
  receipts: Record<string, unknown>[];
  /** Detail look-ups answered so far (the first ones may be 404 while details lag). */
  detailLookups: number;
}

/**
 * Conversations and messages of the simulated organizations. A customer of an integration stays in one
 * conversation until it is closed; the next message opens a new one (§1.3: "will either generate a new
 * Conversation, or be a part of an existing conversation"). Integration ids are unique across regions.
 */
export class GenesysConversations {
  private readonly open = new Map<string, string>();
  private readonly messages = new Map<string, SimulatedGenesysMessage>();

  /** The open conversation of this customer on this integration, opened now if there is none. */
  conversationFor(integrationId: string, customerId: string): string {
    const key = conversationKey(integrationId, customerId);
    let conversationId = this.open.get(key);
    if (!conversationId) {
      conversationId = randomUUID();
      this.open.set(key, conversationId);
    }
    return conversationId;
  }

  conversationOf(integrationId: string, customerId: string): string | undefined {
    return this.open.get(conversationKey(integrationId, customerId));
  }

  /** Ends a conversation (an agent disconnected it); false when it was not open. */
  close(conversationId: string): boolean {
    for (const [key, open] of this.open) {
      if (open !== conversationId) continue;
      this.open.delete(key);
      return true;
    }
    return false;
  }

  add(message: Omit<SimulatedGenesysMessage, 'id' | 'receipts' | 'detailLookups'>): SimulatedGenesysMessage {
    // Genesys message ids are 32 hex digits; conversation ids are UUIDs.
    const id = randomBytes(16).toString('hex');
    const stored: SimulatedGenesysMessage = { ...message, id, normalized: { id, ...message.normalized }, receipts: [], detailLookups: 0 };
    this.messages.set(id, stored);
    return stored;
  }

  /** An agent's reply in the customer's open conversation, normalized as the integration's webhook gets it. */
  addAgentMessage(integrationId: string, to: SimulatedCustomer, text: string, time: string): SimulatedGenesysMessage {
    return this.add({
      integrationId,
      conversationId: this.conversationFor(integrationId, to.id),
      direction: 'outbound',
      customer: to,
      text,
      time,
      status: 'sent',
      normalized: {
        channel: {
          id: integrationId,
          platform: 'Open',
          type: 'Private',
          to,
          // Assumed sender: the integration, under the agent's display name.
          from: { id: integrationId, idType: 'Opaque', nickname: 'Agent' },
          time,
        },
        type: 'Text',
        text,
        direction: 'Outbound',
      },
    });
  }

  get(messageId: string): SimulatedGenesysMessage | undefined {
    return this.messages.get(messageId);
  }

  /** Messages of an integration in the order Genesys got them. */
  of(integrationId: string, direction?: SimulatedGenesysMessage['direction']): SimulatedGenesysMessage[] {
    return [...this.messages.values()].filter(
      (message) => message.integrationId === integrationId && (!direction || message.direction === direction),
    );
  }
}

const conversationKey = (integrationId: string, customerId: string) => `${integrationId}\u0000${customerId}`;
