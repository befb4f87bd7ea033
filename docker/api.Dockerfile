# syntax=docker/dockerfile:1.7
# The Stratum API. Build from the repository root:
#   docker build -f docker/api.Dockerfile -t stratum-api .
ARG NODE_IMAGE=node:22.12-bookworm-slim

FROM ${NODE_IMAGE} AS prune
WORKDIR /src
COPY . .
# Only the workspaces the API needs (json first, for a cacheable npm ci layer).
RUN npx --yes turbo@2.11.11 prune @stratum/api --docker

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=prune /src/out/json/ ./
COPY --from=prune /src/out/package-lock.json ./package-lock.json
RUN npm ci --no-audit --no-fund
COPY --from=prune /src/out/full/ ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json turbo.json ./
RUN npx turbo run build --filter=@stratum/api \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 STRATUM_DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "apps/api/dist/cli.js", "serve"]
