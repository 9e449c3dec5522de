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
  /** Header the service writes with the vendor's trace id of the failure (e.g. `x-error-trace-id`); a replay drops it like every header of the service's own. */
  traceIdHeader: string;
  /**
   * Prefix of the routing key the service's work is published with (e.g. `outbound.processed.`). An
   * entry that names no routing key, but whose tenant the service recorded in `x-tenant-id`, is
   * replayed with this prefix and the tenant.
   */
  workRoutingKeyPrefix: string;
}
