import { IncomingHttpHeaders } from 'node:http';
import { DrawnFault } from '../fault-injector';
import { GenesysServerError } from './genesys-error-bodies';
import { GenesysRegion } from '@lib/contracts';

export type GenesysEndpoint = 'token' | 'message' | 'receipt' | 'details';

/** What faults match on: `{ region }` alone also matches token requests (a region's outage hits its login). */
export interface GenesysFaultContext {
  region: GenesysRegion;
  endpoint: GenesysEndpoint;
  clientId: string;
  integrationId?: string;
}

export interface GenesysRecordedRequest {
  endpoint: GenesysEndpoint | 'unknown';
  region?: GenesysRegion;
  method: string;
  path: string;
  query: URLSearchParams;
  /** As received, but a login's Basic credentials are redacted. */
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; for token requests the form fields (never a secret). */
  body: unknown;
  /** The client of the token (API) or named by Basic auth (login), whether or not it was accepted. */
  clientId?: string;
  integrationId?: string;
  /** The answer's HTTP status (set when decided, also for a late answer); 0 for a timeout or reset. */
  status: number;
  errorCode?: string;
  correlationId: string;
  messageId?: string;
  conversationId?: string;
  fault?: DrawnFault<GenesysServerError>;
  receivedAt: number;
}

export interface GenesysCloudSimulatorOptions {
  /** Time source for token expiry and the rate limit; tests pass a fake one. */
  clock?: () => number;
}
