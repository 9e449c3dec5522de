import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { AxiosError } from 'axios';
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
 */
@Injectable()
export class MetaGraphClient {
  private readonly version: string;

  constructor(
    private readonly http: HttpService,
    private readonly metrics: MetaApiMetrics,
    config: WhatsappConfig,
  ) {
    this.version = config.meta.apiVersion;
  }

  /** `POST /{version}/{phone-number-id}/messages`: sends a message or marks one as read. */
  async sendMessage(request: MetaSendRequest): Promise<MetaResponse> {
    const startedAt = performance.now();
    const path = `/${this.version}/${encodeURIComponent(request.phoneNumberId)}/messages`;
    try {
      const response = await this.http.axiosRef.post(path, request.body, {
        headers: { Authorization: `Bearer ${request.accessToken}` },
      });
      this.metrics.record(request.tenantId, response.status, (performance.now() - startedAt) / 1000);
      return { status: response.status, body: response.data };
    } catch (error) {
      this.metrics.record(request.tenantId, 0, (performance.now() - startedAt) / 1000);
      const { code } = error as AxiosError;
      throw new MetaTransportError(code ?? 'network error', code === 'ECONNABORTED' || code === 'ETIMEDOUT');
    }
  }
}
