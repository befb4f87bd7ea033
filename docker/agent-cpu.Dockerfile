# syntax=docker/dockerfile:1.7
# The Stratum agent on CPU (tfjs-node when it installs, else wasm). Build from the repository root:
#   docker build -f docker/agent-cpu.Dockerfile -t stratum-agent:cpu .
ARG NODE_IMAGE=node:22.12-bookworm-slim

FROM ${NODE_IMAGE} AS prune
WORKDIR /src
COPY . .
RUN npx --yes turbo@2.11.11 prune @stratum/agent --docker

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=prune /src/out/json/ ./
COPY --from=prune /src/out/package-lock.json ./package-lock.json
RUN npm ci --no-audit --no-fund --allow-scripts=@tensorflow/tfjs-node
COPY --from=prune /src/out/full/ ./
# The agent generates its protocol types from the API's committed schema.
COPY apps/api/schema.graphql ./apps/api/schema.graphql
COPY tsconfig.json turbo.json ./
# turbo builds the agent's dependencies; the agent itself is built by its own script, because the
# repository's turbo.json orders its build after the API's (which prints the schema), and this
# pruned workspace holds the API's committed schema, not the API.
RUN npx turbo run build --filter=@stratum/agent^... && npm run build -w @stratum/agent

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production STRATUM_WORK_DIR=/work STRATUM_BACKEND=auto
WORKDIR /app
COPY --from=build --chown=node:node /app ./
RUN mkdir -p /work && chown node:node /work
USER node
VOLUME ["/work"]
# The agent rewrites agent.alive every 10 s; older than a minute means it is hung.
HEALTHCHECK --interval=30s --timeout=5s CMD find /work/agent.alive -mmin -1 | grep -q .
ENTRYPOINT ["node", "apps/agent/dist/cli.js"]
