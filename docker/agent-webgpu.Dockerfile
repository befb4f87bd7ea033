# syntax=docker/dockerfile:1.7
# The Stratum agent on any modern GPU through WebGPU: tfjs's webgpu backend on Dawn (the npm
# package `webgpu`, which ships dawn.node: nothing is downloaded at install) over the host's
# Vulkan driver. No CUDA in the image: the NVIDIA container toolkit mounts the driver's Vulkan
# ICD when NVIDIA_DRIVER_CAPABILITIES includes `graphics` (set below). Build from the repository
# root, run with the toolkit:
#   docker build -f docker/agent-webgpu.Dockerfile -t stratum-agent:webgpu .
#   docker run --gpus all -e STRATUM_URL=… -e STRATUM_TOKEN=… stratum-agent:webgpu
# dawn.node needs glibc ≥ 2.34 and libstdc++ with GLIBCXX_3.4.30 (GCC 12): Debian bookworm has both.
ARG NODE_IMAGE=node:22.12-bookworm-slim

FROM ${NODE_IMAGE} AS prune
WORKDIR /src
COPY . .
RUN npx --yes turbo@2.11.11 prune @stratum/agent --docker

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=prune /src/out/json/ ./
COPY --from=prune /src/out/package-lock.json ./package-lock.json
RUN npm ci --no-audit --no-fund
COPY --from=prune /src/out/full/ ./
# The agent generates its protocol types from the API's committed schema.
COPY apps/api/schema.graphql ./apps/api/schema.graphql
COPY tsconfig.json turbo.json ./
# turbo builds the agent's dependencies; the agent itself is built by its own script, because the
# repository's turbo.json orders its build after the API's (which prints the schema), and this
# pruned workspace holds the API's committed schema, not the API.
RUN npx turbo run build --filter=@stratum/agent^... && npm run build -w @stratum/agent

FROM ${NODE_IMAGE} AS runtime
# The Vulkan loader (the GPU's driver comes from the host); ffmpeg for folder datasets of videos.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libvulkan1 ffmpeg \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production STRATUM_WORK_DIR=/work STRATUM_BACKEND=webgpu \
    NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics
WORKDIR /app
COPY --from=build --chown=node:node /app ./
RUN mkdir -p /work && chown node:node /work
USER node
VOLUME ["/work"]
# The agent rewrites agent.alive every 10 s; older than a minute means it is hung.
HEALTHCHECK --interval=30s --timeout=5s CMD find /work/agent.alive -mmin -1 | grep -q .
ENTRYPOINT ["node", "apps/agent/dist/cli.js"]
