'use strict';
// The image's health check, node alone: GET the path given (default /health/live) where the service
// listens, HTTP_HOST (through loopback when that is every interface) and PORT; exit 0 on 2xx, else 1.
const host = process.env.HTTP_HOST || '0.0.0.0';
const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host.replace('%', '%25')}]` : host;
const path = process.argv[2] || '/health/live';

fetch(`http://${reachable}:${process.env.PORT || 8080}${path}`).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
