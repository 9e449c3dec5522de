/**
 * The tenant a message was published for, known before its body is parsed: the last word of the
 * routing key it was first published with (`outbound.processed.{tenantId}`).
 */
export function tenantOfRoutingKey(routingKey: string): string | undefined {
  const words = routingKey.split('.');
  return words.length > 1 && words[words.length - 1] ? words[words.length - 1] : undefined;
}
