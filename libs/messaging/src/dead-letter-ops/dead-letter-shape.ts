/**
 * How one service writes its dead letters, beyond what every service on this lib writes: where the id
 * of a message is, which headers are its own, and how its work is routed. The dead-letter tools take
 * it as a parameter, so they read and replay any service's queue without knowing the service.
 */
export interface DeadLetterShape {
  /** Header the service writes with the id of the message (e.g. `x-internal-id`); read first. */
  messageIdHeader: string;
  /** Field of the body's `metadata` holding that id (e.g. `internalId`); read when the header is missing. */
  messageIdField: string;
  /**
   * Headers the service writes on its dead letters besides the lib's own (delivery state and every
   * `x-error-*`). A replay drops them like those, so that they never pass as the service's own values.
   */
  serviceHeaders: readonly string[];
  /**
   * Prefix of the routing key the service's work is published with (e.g. `outbound.processed.`). An
   * entry that names no routing key, but whose tenant the service recorded in `x-tenant-id`, is
   * replayed with this prefix and the tenant.
   */
  workRoutingKeyPrefix: string;
}
