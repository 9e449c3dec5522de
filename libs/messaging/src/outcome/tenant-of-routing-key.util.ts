/**
 * What a tenant id may look like: it is also the last word of routing keys (`outbound.status.{tenantId}`)
 * and part of queue and Redis key names, so no dots, wildcards or spaces.
 */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The tenant a message was published for, known before its body is parsed: the last word of the
 * routing key it was first published with (`outbound.processed.{tenantId}`).
 */
export function tenantOfRoutingKey(routingKey: string): string | undefined {
  // Read several times per message: no array of words.
  const dot = routingKey.lastIndexOf('.');
  return dot >= 0 && dot < routingKey.length - 1 ? routingKey.slice(dot + 1) : undefined;
}
