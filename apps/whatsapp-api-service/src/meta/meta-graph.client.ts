import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Agent, request } from 'undici';
import { WhatsappConfig } from '../config/whatsapp.config';
import { MetaApiMetrics } from './meta-api.metrics';
import { MetaTransportError } from './meta-transport.error';
import { MetaResponse } from './types/meta-graph.types';

export interface MetaSendRequest {
  tenantId: string;
  phoneNumberId: string;
  accessToken: string;
  /** The Cloud API request body, sent as is. */
  body: Record<string, unknown>;
}

/**
 * Meta's Graph API over a keep-alive pool. Stateless: the tenant's token comes with each call. Every
 * HTTP answer is returned (the classifier reads error bodies); only a missing answer throws.
 *
 * undici rather than axios on this one hot call: at 1,000+ msg/s axios' per-request config merging and
 * Node's http client cost about a sixth of the process' CPU (measured, see bench/README.md).
 */
@Injectable()
export class MetaGraphClient implements OnModuleDestroy {
  private readonly baseUrl: string;
  private readonly version: string;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  /** One socket per message that can be in flight (the prefetch), so none waits for a socket. */
  private readonly pool: Agent;

  constructor(
    private readonly metrics: MetaApiMetrics,
    config: WhatsappConfig,
  ) {
    this.baseUrl = config.meta.baseUrl.replace(/\/+$/, '');
    this.version = config.meta.apiVersion;
    this.timeoutMs = config.meta.timeoutMs;
    this.userAgent = `${config.service.name}/${config.service.version}`;
    this.pool = new Agent({ connections: config.rabbitmq.prefetch, pipelining: 1, maxRedirections: 0 });
  }

  /** `POST /{version}/{phone-number-id}/messages`: sends a message or marks one as read. */
  async sendMessage(call: MetaSendRequest): Promise<MetaResponse> {
    const startedAt = performance.now();
    const url = `${this.baseUrl}/${this.version}/${encodeURIComponent(call.phoneNumberId)}/messages`;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.pool,
        signal,
        headers: { authorization: `Bearer ${call.accessToken}`, 'content-type': 'application/json', 'user-agent': this.userAgent },
        body: JSON.stringify(call.body),
      });
      const text = await response.body.text();
      this.metrics.record(call.tenantId, response.statusCode, (performance.now() - startedAt) / 1000);
      return { status: response.statusCode, body: parseBody(text) };
    } catch (error) {
      this.metrics.record(call.tenantId, 0, (performance.now() - startedAt) / 1000);
      if (signal.aborted) throw new MetaTransportError('ETIMEDOUT', true);
      throw new MetaTransportError((error as { code?: string }).code ?? 'network error', false);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }
}

/** Meta answers JSON; a proxy in between may not (an HTML 502 page), and the classifier handles both. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
