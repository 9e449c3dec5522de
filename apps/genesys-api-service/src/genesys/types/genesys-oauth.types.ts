/** `POST {login}/oauth/token` answer to a client-credentials grant. */
export interface GenesysTokenResponse {
  access_token: string;
  /** `bearer`. */
  token_type: string;
  /** Seconds the token lives: the OAuth client's setting, 300 to 172,800 (24 h by default). */
  expires_in: number;
}

/** RFC 6749 §5.2 error answer of the token endpoint. */
export interface OAuthErrorResponse {
  error: string;
  error_description?: string;
}
