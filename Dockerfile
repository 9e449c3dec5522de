# One image for every app of the monorepo: choose it with --build-arg APP=… (or APP at run time).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ARG APP=whatsapp-api-service
RUN npx nest build ${APP}

# Simulators for local stacks (docker compose); never deployed.
FROM build AS simulators
ENV SIM_HOST=0.0.0.0
USER node
CMD ["npm", "run", "simulators"]

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
ARG APP=whatsapp-api-service
ENV APP=${APP} PORT=8080
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "exec node dist/apps/${APP}/main.js"]
