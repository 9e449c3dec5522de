import { GENESYS_ERRORS, GenesysError, invalidRequest, missingPermission } from './genesys-error-bodies';
import { GenesysConversations, SimulatedGenesysMessage } from './genesys-conversations';
import { GenesysPermission, RegisteredClient } from './genesys-oauth.registry';
import { validateInboundMessage, validateInboundReceipt } from './open-messaging.validator';

/** An authenticated request within its rate limit, with its JSON body parsed (POST) and path parameter. */
export interface EndpointRequest {
  client: RegisteredClient;
  /** `{integrationId}` of the inbound endpoints, `{messageId}` of details. */
  pathId: string;
  query: URLSearchParams;
  body: unknown;
}

export interface EndpointAnswer {
  status: number;
  body: unknown;
  messageId?: string;
  conversationId?: string;
}

/**
 * A checked request: refused with a Genesys error, or ready to `commit` (make its effect and answer).
 * The simulator serves faults between the two, so a fault never hides a check.
 */
export type EndpointOutcome = { error: GenesysError; integrationId?: string } | { integrationId: string; commit: () => EndpointAnswer };

type Body = Record<string, any>;

/** The Open Messaging endpoints' own checks and effects (fact sheet §1.1–§1.4). */
export class OpenMessagingEndpoints {
  /** How many look-ups of each message's details answer 404 before they resolve (§1.3: details may lag). */
  detailsLagLookups = 0;
  /** Serve as before `prefetchConversationId` existed (Platform API before version 8525): the parameter is not read. */
  ignorePrefetchConversationId = false;

  constructor(private readonly conversations: GenesysConversations) {}

  /** `POST …/{integrationId}/inbound/open/message[?prefetchConversationId=true]` → 200 `OpenMessageNormalizedMessage`. */
  inboundMessage({ client, pathId: integrationId, query, body }: EndpointRequest): EndpointOutcome {
    const refused = this.refuse(client, 'conversation:message:receive', integrationId, validateInboundMessage(body));
    if (refused) return refused;
    const prefetch = this.ignorePrefetchConversationId ? null : query.get('prefetchConversationId');
    if (prefetch !== null && prefetch !== 'true' && prefetch !== 'false') {
      return { error: invalidRequest('prefetchConversationId should be boolean'), integrationId };
    }
    return {
      integrationId,
      commit: () => {
        const { channel, text, content, metadata } = body as Body;
        const conversationId = this.conversations.conversationFor(integrationId, channel.from.id);
        const normalized = {
          channel: {
            id: integrationId,
            platform: 'Open',
            type: 'Private',
            ...(channel.messageId !== undefined ? { messageId: channel.messageId } : {}),
            // Assumed: the echo names the integration as recipient (the model requires `to`).
            to: { id: integrationId },
            from: channel.from,
            time: channel.time,
            ...(channel.metadata !== undefined ? { metadata: channel.metadata } : {}),
          },
          type: 'Text',
          ...(text !== undefined ? { text } : {}),
          ...(content !== undefined ? { content: content.map((element: Body) => ({ contentType: 'Attachment', ...element })) } : {}),
          ...(metadata !== undefined ? { metadata } : {}),
        };
        const message = this.conversations.add({
          integrationId,
          conversationId,
          direction: 'inbound',
          customer: { id: channel.from.id, idType: channel.from.idType },
          providerMessageId: channel.messageId,
          text,
          time: channel.time,
          status: 'received',
          normalized,
        });
        // §1.3: `conversationId` is omitted unless prefetched.
        const answer = { id: message.id, ...normalized, ...(prefetch === 'true' ? { conversationId } : {}) };
        return { status: 200, body: answer, messageId: message.id, conversationId };
      },
    };
  }

  /** `POST …/{integrationId}/inbound/open/receipt` for an agent's message → 202 `OpenReceiptNormalizedMessage`. */
  inboundReceipt({ client, pathId: integrationId, body }: EndpointRequest): EndpointOutcome {
    // The fact sheet names no permission for receipts: assumed the same as for inbound messages.
    const refused = this.refuse(client, 'conversation:message:receive', integrationId, validateInboundReceipt(body));
    if (refused) return refused;
    const receipt = body as Body;
    const message = this.conversations.get(receipt.id);
    if (!message || message.direction !== 'outbound' || message.integrationId !== integrationId) {
      return { error: invalidRequest('id should reference an outbound message of this integration'), integrationId };
    }
    if (receipt.channel.to.id !== message.customer.id) {
      return { error: invalidRequest('channel.to.id should be the recipient of the referenced message'), integrationId };
    }
    return {
      integrationId,
      commit: () => {
        message.receipts.push(receipt);
        message.status = receipt.status === 'Delivered' ? 'delivery-success' : 'delivery-failed';
        const answer = {
          id: message.id,
          channel: { id: integrationId, platform: 'Open', type: 'Private', to: receipt.channel.to, time: receipt.channel.time },
          type: 'Receipt',
          status: receipt.status,
          ...(receipt.reasons !== undefined ? { reasons: receipt.reasons } : {}),
          ...(receipt.isFinalReceipt !== undefined ? { isFinalReceipt: receipt.isFinalReceipt } : {}),
        };
        return { status: 202, body: answer, messageId: message.id, conversationId: message.conversationId };
      },
    };
  }

  /** `GET /api/v2/conversations/messages/{messageId}/details` → 200 `MessageData`, after `detailsLagLookups` 404s. */
  messageDetails({ client, pathId: messageId }: EndpointRequest): EndpointOutcome {
    if (!client.permissions.includes('conversation:message:view')) return { error: missingPermission('conversation:message:view') };
    const message = this.conversations.get(messageId);
    // Another organization's message is as unknown as a made-up id.
    if (!message || !client.integrations.includes(message.integrationId)) return { error: GENESYS_ERRORS.messageNotFound };
    message.detailLookups += 1;
    if (message.detailLookups <= this.detailsLagLookups)
      return { error: GENESYS_ERRORS.messageNotFound, integrationId: message.integrationId };
    return {
      integrationId: message.integrationId,
      commit: () => ({ status: 200, body: details(message), messageId, conversationId: message.conversationId }),
    };
  }

  private refuse(
    client: RegisteredClient,
    permission: GenesysPermission,
    integrationId: string,
    problem: string | undefined,
  ): EndpointOutcome | undefined {
    if (!client.permissions.includes(permission)) return { error: missingPermission(permission), integrationId };
    if (problem) return { error: invalidRequest(problem), integrationId };
    if (!client.integrations.includes(integrationId)) return { error: GENESYS_ERRORS.integrationNotFound, integrationId };
    return undefined;
  }
}

/** `MessageData` (SDK model; direction and status enums from the Python SDK). */
function details(message: SimulatedGenesysMessage): Record<string, unknown> {
  const inbound = message.direction === 'inbound';
  return {
    id: message.id,
    conversationId: message.conversationId,
    ...(message.providerMessageId !== undefined ? { providerMessageId: message.providerMessageId } : {}),
    timestamp: message.time,
    fromAddress: inbound ? message.customer.id : message.integrationId,
    toAddress: inbound ? message.integrationId : message.customer.id,
    direction: message.direction,
    messengerType: 'open',
    ...(message.text !== undefined ? { textBody: message.text } : {}),
    status: message.status,
    normalizedMessage: message.normalized,
    ...(inbound ? {} : { normalizedReceipts: message.receipts }),
  };
}
