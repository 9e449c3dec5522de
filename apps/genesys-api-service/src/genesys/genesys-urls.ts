import { DeliveryError, DeliveryErrorCategory } from '@lib/resilience';
import { GenesysClientOptions } from './genesys-client.options';
import { GenesysRegion, isGenesysRegion } from '@lib/contracts';

const PLACEHOLDER = '{region}';

/**
 * The API and login base URLs of a region, from the configured templates. Only a listed environment is
 * ever put in a template: whatever a tenant record says, a token or a client secret goes to no other host.
 */
export class GenesysUrls {
  private readonly apiTemplate: string;
  private readonly loginTemplate: string;

  constructor({ apiUrlTemplate, loginUrlTemplate }: Pick<GenesysClientOptions, 'apiUrlTemplate' | 'loginUrlTemplate'>) {
    this.apiTemplate = checkedTemplate('apiUrlTemplate', apiUrlTemplate);
    this.loginTemplate = checkedTemplate('loginUrlTemplate', loginUrlTemplate);
  }

  /** `https://api.{region}`, without a trailing slash: API paths (`/api/v2/…`) follow. */
  api(region: GenesysRegion): string {
    return baseUrl(this.apiTemplate, region);
  }

  /** `https://login.{region}`, without a trailing slash: `/oauth/token` follows. */
  login(region: GenesysRegion): string {
    return baseUrl(this.loginTemplate, region);
  }
}

/** Without the placeholder every region would share one host, and regions must stay apart. */
function checkedTemplate(name: string, template: string): string {
  if (!template.includes(PLACEHOLDER)) throw new Error(`${name} must contain ${PLACEHOLDER}`);
  return template.replace(/\/+$/, '');
}

function baseUrl(template: string, region: GenesysRegion): string {
  // The type says the region was checked; this holds when a caller cast an unchecked value.
  if (!isGenesysRegion(region)) {
    throw new DeliveryError(
      DeliveryErrorCategory.ACCOUNT_ERROR,
      "the tenant's region is not a Genesys Cloud environment: nothing was sent",
    );
  }
  return template.replaceAll(PLACEHOLDER, region);
}
