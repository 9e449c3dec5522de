import { OnApplicationShutdown } from '@nestjs/common';
import { MetricFactory, TenantLabel } from '@lib/observability';
import { Agent } from 'undici';
import { VendorHttpMetrics } from './vendor-http.metrics';
import { VendorHttpClientOptions } from './vendor-http.options';
import { VendorRequest, VendorRequestBody, VendorResponse } from './vendor-http.types';
import { VendorTransportError } from './vendor-transport.error';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const SLASH = 0x2f;
/** A path goes on the request line as is: visible ASCII only, anything else percent-encoded by the caller. */
const NOT_ENCODED = /[^\x21-\x7e]/;
/** undici's errors for a vendor that does not connect, answer or finish its answer in time. */
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** An undici or socket error code (`ECONNRESET`, `UND_ERR_SOCKET`); anything else is not echoed. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{1,39}$/;

/**
 * One vendor's HTTP API over a keep-alive undici pool. Stateless: credentials come with each call's
 * headers. Every HTTP answer resolves, whatever its status (the vendor's classifier reads error
 * bodies and headers); only a call without an answer throws, as a `VendorTransportError`. Redirects
 * are never followed: one could carry the call's bearer token to another host.
 *
 * undici rather than axios: this client is on the path of every message, and at 1,000+ msg/s axios'
 * per-request config merging and Node's http client cost about a sixth of the process' CPU.
 */
export class VendorHttpClient<L extends string = never> implements OnApplicationShutdown {
  private readonly vendor: string;
  /** The base URL's origin and path prefix (without trailing slash), when the client has one. */
  private readonly origin?: string;
  private readonly basePath: string = '';
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly metrics: VendorHttpMetrics<L>;
  private readonly checksLabels: boolean;
  private readonly pool: Agent;
  private closing?: Promise<void>;

  constructor(options: VendorHttpClientOptions<L>, metrics: MetricFactory, tenants: TenantLabel) {
    this.vendor = options.vendor;
    if (options.baseUrl !== undefined) {
      const base = checkedBaseUrl(options.baseUrl);
      this.origin = base.origin;
      this.basePath = base.pathname.replace(/\/+$/, '');
    }
    this.timeoutMs = options.timeoutMs;
    this.userAgent = options.userAgent;
    this.metrics = new VendorHttpMetrics(options, metrics, tenants);
    this.checksLabels = (options.labelNames ?? []).length > 0;
    this.pool = new Agent({
      connections: options.connections,
      pipelining: 1,
      maxRedirections: 0,
      connect: { timeout: options.timeoutMs },
    });
  }

  /** Resolves with the vendor's answer, whatever its status; throws a `VendorTransportError` when there is none. */
  async request(call: VendorRequest<L>): Promise<VendorResponse> {
    let origin: string;
    let path: string;
    if (this.origin !== undefined) {
      // A path not starting with '/' could move the host: `https://vendor.example` + `@elsewhere/…`.
      if (call.path?.charCodeAt(0) !== SLASH || NOT_ENCODED.test(call.path)) {
        throw new TypeError(`${this.vendor} client: each call needs a percent-encoded path starting with '/'`);
      }
      origin = this.origin;
      path = this.basePath + call.path;
    } else {
      const url = this.absoluteUrlOf(call);
      origin = url.origin;
      path = url.pathname + url.search;
    }
    const labels = call.labels as Readonly<Record<string, string>> | undefined;
    if (this.checksLabels || labels !== undefined) this.metrics.assertLabels(labels);
    const startedAt = performance.now();
    // undici's own timeouts: no timer and AbortSignal of ours per call.
    const timeoutMs = call.timeoutMs ?? this.timeoutMs;
    try {
      const response = await this.pool.request({
        origin,
        path,
        method: call.method,
        signal: call.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        headers: this.headersOf(call),
        body: serialized(call.body),
      });
      const text = await response.body.text();
      this.metrics.record(call.tenantId, response.statusCode, (performance.now() - startedAt) / 1000, labels);
      return { status: response.statusCode, headers: response.headers, body: parsed(text) };
    } catch (error) {
      this.metrics.record(call.tenantId, 0, (performance.now() - startedAt) / 1000, labels);
      if (TIMEOUT_CODES.has(codeOf(error))) throw new VendorTransportError(this.vendor, 'ETIMEDOUT', true);
      if (call.signal?.aborted) throw new VendorTransportError(this.vendor, 'ABORTED', false);
      throw new VendorTransportError(this.vendor, codeOf(error), false);
    }
  }

  /** Waits for the calls in flight, then closes the pool; later calls fail. */
  close(): Promise<void> {
    this.closing ??= this.pool.close();
    return this.closing;
  }

  /** After the consumers drained (before-shutdown hooks), so a message still being handled can finish its call. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  private absoluteUrlOf(call: VendorRequest<L>): URL {
    const url = call.url === undefined ? undefined : parsedUrl(call.url);
    if (url?.protocol !== 'https:' && url?.protocol !== 'http:') {
      throw new TypeError(`${this.vendor} client has no base URL: each call needs a full http(s) url`);
    }
    return url;
  }

  private headersOf(call: VendorRequest<L>): Record<string, string> {
    const contentType = contentTypeOf(call.body);
    return contentType === undefined
      ? { 'user-agent': this.userAgent, ...call.headers }
      : { 'user-agent': this.userAgent, 'content-type': contentType, ...call.headers };
  }
}

function checkedBaseUrl(baseUrl: string): URL {
  const parsed = parsedUrl(baseUrl);
  if (
    !parsed ||
    (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') ||
    parsed.username ||
    parsed.password ||
    parsed.search ||
    parsed.hash
  ) {
    throw new TypeError('baseUrl must be an http(s) URL without credentials, query or fragment');
  }
  return parsed;
}

/** `URL.parse` of newer Node versions. */
function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function contentTypeOf(body: VendorRequestBody | undefined): string | undefined {
  if (body === undefined || typeof body === 'string') return undefined;
  return body instanceof URLSearchParams ? FORM_TYPE : JSON_TYPE;
}

function serialized(body: VendorRequestBody | undefined): string | undefined {
  if (body === undefined || typeof body === 'string') return body;
  return body instanceof URLSearchParams ? body.toString() : JSON.stringify(body);
}

/** Vendors answer JSON; a proxy in between may not (an HTML 502 page), and classifiers handle both. */
function parsed(text: string): unknown {
  if (text.length === 0) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && ERROR_CODE.test(code) ? code : 'network error';
}
