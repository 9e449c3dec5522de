import { Inject, Injectable } from '@nestjs/common';
import { AccessToken, ClientCredentialsRefusedError, tenantRegionKey, TokenEndpointUnavailableError } from '@lib/credentials';
import { retryAfterMs, VendorResponse, VendorTransportError } from '@lib/vendor-http';
import { GENESYS_CLIENT_OPTIONS, GenesysClientOptions } from './genesys-client.options';
import { GENESYS_LOGIN_HTTP, GenesysHttpClient } from './genesys-http.providers';
import { GenesysRegion, isGenesysRegion } from '@lib/contracts';
import { GenesysUrls } from './genesys-urls';
import { GenesysTokenResponse, OAuthErrorResponse } from './types/genesys-oauth.types';

/** A tenant's OAuth client in its Genesys region: the token cache's key (`tenantRegionKey` names it). */
export interface GenesysLogin {
  tenantId: string;
  region: GenesysRegion;
  clientId: string;
  /** Sent only in the Basic header of `POST {login}/oauth/token`; never logged, never in an error. */
  clientSecret: string;
}

/** The error codes of RFC 6749 §5.2: each says the request or the client is wrong, which asking again will not fix. */
const OAUTH_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
]);

/**
 * Client-credentials logins at `login.{region}`. `fetchToken` is what `AccessTokenCache` calls, which
 * holds one token per tenant and region. A refusal (every 4xx but 408 and 429) is a configuration error
 * of the tenant; an answer without a token, 408, 429, 5xx or no answer at all leaves the endpoint
 * unavailable for now.
 */
@Injectable()
export class GenesysLoginClient {
  private readonly urls: GenesysUrls;

  constructor(
    @Inject(GENESYS_LOGIN_HTTP) private readonly http: GenesysHttpClient,
    @Inject(GENESYS_CLIENT_OPTIONS) options: GenesysClientOptions,
  ) {
    this.urls = new GenesysUrls(options);
  }

  /** `POST {login}/oauth/token`, HTTP Basic `clientId:clientSecret`, form `grant_type=client_credentials`. */
  async fetchToken(login: GenesysLogin, signal: AbortSignal): Promise<AccessToken> {
    const key = tenantRegionKey(login);
    if (!isGenesysRegion(login.region)) {
      throw new ClientCredentialsRefusedError(`the region of ${key} is not a Genesys Cloud environment: its client secret is sent nowhere`);
    }
    let response: VendorResponse;
    try {
      response = await this.http.request({
        method: 'POST',
        url: `${this.urls.login(login.region)}/oauth/token`,
        // Encoded as Genesys's own SDKs do: `clientId:clientSecret`, not form-encoded first.
        headers: {
          authorization: `Basic ${Buffer.from(`${login.clientId}:${login.clientSecret}`).toString('base64')}`,
          accept: 'application/json',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
        signal,
        tenantId: login.tenantId,
        labels: { region: login.region },
      });
    } catch (error) {
      if (error instanceof VendorTransportError) {
        throw new TokenEndpointUnavailableError(`Genesys login for ${key} got no answer (${error.reason})`);
      }
      throw error;
    }
    return tokenOf(response, key);
  }
}

function tokenOf({ status, headers, body }: VendorResponse, key: string): AccessToken {
  if (status >= 200 && status < 300) {
    const { access_token: accessToken, expires_in: expiresInS } = fieldsOf<GenesysTokenResponse>(body);
    if (typeof accessToken !== 'string' || typeof expiresInS !== 'number') {
      throw new TokenEndpointUnavailableError(`Genesys login for ${key} answered HTTP ${status} without access_token and expires_in`, {
        httpStatus: status,
      });
    }
    return { accessToken, expiresInS };
  }
  const code = oauthErrorOf(body);
  const answer = `HTTP ${status}${code === undefined ? '' : ` ${code}`}`;
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    throw new ClientCredentialsRefusedError(`Genesys login refused the client credentials of ${key} (${answer})`, {
      httpStatus: status,
      code,
    });
  }
  throw new TokenEndpointUnavailableError(`Genesys login for ${key} is unavailable (${answer})`, {
    httpStatus: status,
    code,
    minRetryDelayMs: retryAfterMs(headers, Date.now()),
  });
}

/** The OAuth `error` when it is one of RFC 6749's codes; a free text there is not echoed. */
function oauthErrorOf(body: unknown): string | undefined {
  const { error } = fieldsOf<OAuthErrorResponse>(body);
  return typeof error === 'string' && OAUTH_ERRORS.has(error) ? error : undefined;
}

/** A JSON answer's fields, each still to be checked: the endpoint may answer anything. */
function fieldsOf<T>(body: unknown): { [K in keyof T]?: unknown } {
  return typeof body === 'object' && body !== null ? body : {};
}
