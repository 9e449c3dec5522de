# One image for every app of the monorepo: each application project of nest-cli.json is built, and
# APP chooses the one to run (--build-arg APP=… sets the default, -e APP=… overrides it at run time).
FROM node:20-bookworm-slim AS deps
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

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; no install scripts run (none of them is needed at run time).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
ARG APP=whatsapp-api-service
ENV APP=${APP} PORT=8080
# Files stay owned by root: the service cannot change its own code.
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec: node is PID 1 and receives SIGTERM itself, so in-flight messages settle before exit.
CMD ["sh", "-c", "test -f dist/apps/${APP}/main.js || { echo \"APP='${APP}' is not an app of this image: $(ls dist/apps)\" >&2; exit 64; }; exec node dist/apps/${APP}/main.js"]
