# One image for every app of the monorepo: each application project of nest-cli.json is built, and
# APP chooses the one to run (--build-arg APP=… sets the default, -e APP=… overrides it at run time).
# Node 24 is an LTS line (security fixes until April 2028); the tag pins a release so that builds repeat: 24.21.0 was the newest
# 24.x release when this was written (September 2026). Move it on with Node's security releases. The
# code itself keeps running on Node 20 and later (package.json engines), which CI uses.
FROM node:24.21.0-bookworm-slim AS node

FROM node AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS source
COPY . .

FROM source AS build
RUN node -e "for (const [name, project] of Object.entries(require('./nest-cli.json').projects)) if (project.type === 'application') console.log(name)" \
  | xargs -n 1 npx nest build

# Simulators for local stacks (docker compose); never deployed.
FROM source AS simulators
ENV SIM_HOST=0.0.0.0
USER node
CMD ["npm", "run", "simulators"]

# Production dependencies only; no install scripts run (none of them is needed at run time).
FROM node AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node AS runtime
ENV NODE_ENV=production
# No package manager at run time: nothing is installed there, and npm's own bundled dependencies
# would only add to what a scanner, or an intruder, finds in the image.
RUN rm -rf /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg \
  /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-*
WORKDIR /app
COPY package.json ./
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY ops/container/start-app.js ops/container/check-health.js ./
ARG APP=whatsapp-api-service
ENV APP=${APP} PORT=8080
# Files stay owned by root: the service cannot change its own code.
USER node
EXPOSE 8080
# check-health.js asks where the service listens (HTTP_HOST, PORT), with node alone.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "check-health.js", "/health/live"]
# start-app.js runs dist/apps/$APP/main.js in node's own process: node is PID 1 and receives SIGTERM.
CMD ["node", "start-app.js"]
