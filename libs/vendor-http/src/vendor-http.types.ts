import type { Dispatcher } from 'undici';

/** Response headers as received, names in lower case; a repeated header is an array. */
export type VendorResponseHeaders = Record<string, string | string[] | undefined>;

/**
 * A plain object or array is sent as JSON, `URLSearchParams` as a form, a string as is (give its
 * `content-type` in the headers).
 */
export type VendorRequestBody = Record<string, unknown> | unknown[] | URLSearchParams | string;

/** Where the call goes: a `path` under the client's base URL, or a full `url` for a client without one. */
export type VendorRequestTarget = { path: string; url?: never } | { url: string; path?: never };

export type VendorRequest<L extends string = never> = VendorRequestTarget & {
  method: Dispatcher.HttpMethod;
  /** Header names in lower case, so that a `content-type` given here replaces the one the body implies. */
  headers?: Record<string, string>;
  body?: VendorRequestBody;
  /** This call's own timeout, e.g. shorter for a readiness probe. */
  timeoutMs?: number;
  /** Stops the call early (it then throws a `VendorTransportError` that did not time out). */
  signal?: AbortSignal;
  /** The tenant the call is for, as the `tenant` label (bounded by the observability lib). */
  tenantId?: string;
} & VendorRequestLabels<L>;

/** A client with `labelNames` takes a value for each of them on every call; one without takes none. */
export type VendorRequestLabels<L extends string> = [L] extends [never] ? { labels?: never } : { labels: Readonly<Record<L, string>> };

/** Every HTTP answer, whatever its status: the vendor's error body is what its classifier reads. */
export interface VendorResponse {
  status: number;
  headers: VendorResponseHeaders;
  /** Parsed JSON when the body is JSON, else its text (an HTML error page of a proxy); `''` when empty. */
  body: unknown;
}
