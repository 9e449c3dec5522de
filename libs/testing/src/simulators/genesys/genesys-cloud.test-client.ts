import { GenesysCloudSimulator } from './genesys-cloud.simulator';
import { GenesysRegion } from '@lib/contracts';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** An answer, or `timed out` when the client gave up first, or `reset` when the connection was dropped. */
export type CallResult = HttpAnswer | 'timed out' | 'reset';

/** A bare HTTP caller of the simulator for its own specs: the requests a Genesys client would make. */
export class GenesysTestClient {
  constructor(
    private readonly genesys: GenesysCloudSimulator,
    private readonly region: GenesysRegion,
  ) {}

  async login(clientId: string, clientSecret: string, options: { body?: string; contentType?: string } = {}): Promise<CallResult> {
    return call(`${this.genesys.loginUrl(this.region)}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      },
      body: options.body ?? 'grant_type=client_credentials',
    });
  }

  /** A token of the client, or a failure when login did not answer 200. */
  async token(clientId: string, clientSecret: string): Promise<string> {
    const answer = await this.login(clientId, clientSecret);
    if (typeof answer === 'string' || answer.status !== 200) throw new Error(`login failed: ${JSON.stringify(answer)}`);
    return answer.body.access_token;
  }

  async postMessage(token: string | undefined, integrationId: string, body: unknown, query = '', timeoutMs?: number): Promise<CallResult> {
    return this.post(token, `${integrationId}/inbound/open/message${query}`, body, timeoutMs);
  }

  async postReceipt(token: string | undefined, integrationId: string, body: unknown): Promise<CallResult> {
    return this.post(token, `${integrationId}/inbound/open/receipt`, body);
  }

  async details(token: string, messageId: string): Promise<CallResult> {
    return call(`${this.genesys.apiUrl(this.region)}/api/v2/conversations/messages/${messageId}/details`, {
      headers: { authorization: `Bearer ${token}` },
    });
  }

  private async post(token: string | undefined, path: string, body: unknown, timeoutMs?: number): Promise<CallResult> {
    return call(
      `${this.genesys.apiUrl(this.region)}/api/v2/conversations/messages/${path}`,
      {
        method: 'POST',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      },
      timeoutMs,
    );
  }
}

async function call(url: string, init: RequestInit, timeoutMs?: number): Promise<CallResult> {
  try {
    const response = await fetch(url, { ...init, signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  } catch (error) {
    return (error as Error).name === 'TimeoutError' ? 'timed out' : 'reset';
  }
}

/** The answer of a call that must have been answered. */
export function answered(result: CallResult): HttpAnswer {
  if (typeof result === 'string') throw new Error(`expected an answer, the call ${result}`);
  return result;
}

/** A valid `OpenInboundNormalizedMessage` from a WhatsApp customer. */
export const inboundMessage = (customerId = '919876543210', text = 'Hello') => ({
  channel: {
    messageId: `wamid.${customerId}.${text.length}`,
    from: { id: customerId, idType: 'Phone', nickname: 'Jo' },
    time: '2026-01-15T03:33:20.000Z',
  },
  text,
});
