import { Inject, Injectable } from '@nestjs/common';
import { VendorHttpClient, VendorResponse } from '@lib/vendor-http';
import { WhatsappConfig } from '../config/whatsapp.config';
import { META_HTTP } from './meta-http.provider';

export interface MetaSendRequest {
  tenantId: string;
  phoneNumberId: string;
  accessToken: string;
  /** The Cloud API request body, sent as is. */
  body: Record<string, unknown>;
}

/**
 * Meta's Graph API. Stateless: the tenant's token comes with each call. Every HTTP answer is returned
 * (the classifier reads error bodies); only a missing answer throws, as a `VendorTransportError`.
 */
@Injectable()
export class MetaGraphClient {
  private readonly versionPath: string;

  constructor(
    @Inject(META_HTTP) private readonly http: VendorHttpClient,
    config: WhatsappConfig,
  ) {
    this.versionPath = `/${config.meta.apiVersion}/`;
  }

  /** `POST /{version}/{phone-number-id}/messages`: sends a message or marks one as read. */
  sendMessage(call: MetaSendRequest): Promise<VendorResponse> {
    return this.http.request({
      method: 'POST',
      path: `${this.versionPath}${encodeURIComponent(call.phoneNumberId)}/messages`,
      headers: { authorization: `Bearer ${call.accessToken}` },
      body: call.body,
      tenantId: call.tenantId,
    });
  }
}
