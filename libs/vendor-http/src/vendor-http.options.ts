/** How a service reaches one vendor's API: one client (one connection pool) per vendor. */
export interface VendorHttpClientOptions<L extends string = never> {
  /** The vendor's name as errors and metric help texts show it, e.g. `Meta` or `Genesys Cloud`. */
  vendor: string;
  /**
   * Scheme and host (and an optional path prefix) every call goes to; calls then give a `path`.
   * Leave it out when the host differs per call (a vendor with regional hosts): calls then give a full `url`.
   */
  baseUrl?: string;
  /**
   * Longest wait for the vendor: to connect, then (unless the call sets its own) for the answer's headers
   * and between parts of its body. A body that keeps arriving slowly can take longer; the handling
   * deadline bounds the whole message.
   */
  timeoutMs: number;
  /** Sockets per origin: size it to the calls that can be in flight (the prefetch) so none waits for a socket. */
  connections: number;
  /** `user-agent` of every call, e.g. `whatsapp-api-service/1.4.0`. */
  userAgent: string;
  /**
   * First part of the metric names: `meta_api` gives `meta_api_requests_total` and
   * `meta_api_request_duration_seconds` (after the service's own prefix).
   */
  metricPrefix: string;
  /**
   * Labels the metrics carry besides `tenant` (and `status_code`), each given by every call, e.g.
   * `['region']`. Their values must come from a short fixed set, never from input.
   * @default []
   */
  labelNames?: readonly L[];
}
