// The Meta access token of each tenant, asked of the tenant service once (the promise is kept, so the first
// messages of a tenant wait for the same request), for the plain-JavaScript reference consumers of bench/.
'use strict';
const { request } = require('undici');

function tenantTokens(tenantServiceUrl, serviceToken) {
  const tokens = new Map();
  return (tenantId) => {
    if (!tokens.has(tenantId)) {
      const url = `${tenantServiceUrl}/api/v1/tenants/${tenantId}/credentials?type=whatsapp`;
      const headers = { authorization: `Bearer ${serviceToken}` };
      tokens.set(
        tenantId,
        request(url, { headers }).then(async (response) => (await response.body.json()).credentials.systemUserAccessToken),
      );
    }
    return tokens.get(tenantId);
  };
}

module.exports = { tenantTokens };
