/** How the service reaches Genesys Cloud: given by the app from its typed config (`GenesysModule.forRootAsync`). */
export interface GenesysClientOptions {
  /**
   * `GENESYS_API_URL_TEMPLATE`: the API's base URL, `{region}` standing for the tenant's environment,
   * e.g. `https://api.{region}`; a test points it at a local simulator (`http://127.0.0.1:PORT/api/{region}`).
   */
  apiUrlTemplate: string;
  /** `GENESYS_LOGIN_URL_TEMPLATE`: the login host's base URL, e.g. `https://login.{region}`. */
  loginUrlTemplate: string;
  /** `GENESYS_TIMEOUT_MS`: longest wait for one Genesys call (API or login), answer body included. */
  timeoutMs: number;
  /** Sockets per Genesys host: the messages that can be in flight (the consumer prefetch), so none waits for a socket. */
  connections: number;
  /** `user-agent` of every call, e.g. `genesys-api-service/1.0.0`. */
  userAgent: string;
}

export const GENESYS_CLIENT_OPTIONS = Symbol('GENESYS_CLIENT_OPTIONS');
