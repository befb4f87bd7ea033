# syntax=docker/dockerfile:1.7
# The Stratum dashboard (Next.js standalone output). Build from the repository root:
#   docker build -f docker/web.Dockerfile -t stratum-web .
ARG NODE_IMAGE=node:22.12-bookworm-slim

FROM ${NODE_IMAGE} AS prune
WORKDIR /src
COPY . .
RUN npx --yes turbo@2.11.11 prune @stratum/web --docker

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=prune /src/out/json/ ./
COPY --from=prune /src/out/package-lock.json ./package-lock.json
RUN npm ci --no-audit --no-fund
COPY --from=prune /src/out/full/ ./
COPY apps/api/schema.graphql ./apps/api/schema.graphql
COPY tsconfig.json turbo.json ./
ENV NEXT_TELEMETRY_DISABLED=1
# turbo builds the dashboard's dependencies; the dashboard itself is built by its own script, because the
# repository's turbo.json orders its build after the API's (which prints the schema), and this
# pruned workspace holds the API's committed schema, not the API.
RUN npx turbo run build --filter=@stratum/web^... && npm run build -w @stratum/web

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOSTNAME=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/apps/web/.next/standalone ./
COPY --from=build --chown=node:node /app/apps/web/.next/static ./apps/web/.next/static
COPY --from=build --chown=node:node /app/apps/web/public ./apps/web/public
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:3000/').then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))"
CMD ["node", "apps/web/server.js"]
