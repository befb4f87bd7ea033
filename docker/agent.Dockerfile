# syntax=docker/dockerfile:1.7
# The Stratum agent for CUDA hosts, with @tensorflow/tfjs-node-gpu 4.22.
# tfjs-node-gpu 4.22 is built against TensorFlow 2.9: it needs CUDA 11.2 and cuDNN 8.1 in the
# image and an NVIDIA driver >= 450.80 on the host (run with the NVIDIA container toolkit:
# `docker run --gpus all …`). Build from the repository root:
#   docker build -f docker/agent.Dockerfile -t stratum-agent:gpu .
# For a CPU-only agent use docker/agent-cpu.Dockerfile.
ARG CUDA_IMAGE=nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04
ARG NODE_IMAGE=node:22.12-bookworm-slim

FROM ${NODE_IMAGE} AS prune
WORKDIR /src
COPY . .
RUN npx --yes turbo@2.11.11 prune @stratum/agent --docker

FROM ${CUDA_IMAGE} AS runtime
ARG NODE_VERSION=22.12.0
ENV DEBIAN_FRONTEND=noninteractive
# Node.js from the official tarball (the CUDA base image has none); build tools for the
# tfjs-node-gpu native addon; ffmpeg for folder datasets of video files.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl xz-utils python3 make g++ ffmpeg \
 && curl -fsSL "https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-x64.tar.xz" | tar -xJ -C /usr/local --strip-components=1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=prune /src/out/json/ ./
COPY --from=prune /src/out/package-lock.json ./package-lock.json
# optionalDependencies include tfjs-node-gpu: here (with internet and CUDA) it installs for real.
RUN npm ci --no-audit --no-fund --allow-scripts=@tensorflow/tfjs-node-gpu,@tensorflow/tfjs-node
COPY --from=prune /src/out/full/ ./
# The agent generates its protocol types from the API's committed schema.
COPY apps/api/schema.graphql ./apps/api/schema.graphql
COPY tsconfig.json turbo.json ./
# turbo builds the agent's dependencies; the agent itself is built by its own script, because the
# repository's turbo.json orders its build after the API's (which prints the schema), and this
# pruned workspace holds the API's committed schema, not the API.
RUN npx turbo run build --filter=@stratum/agent^... && npm run build -w @stratum/agent \
 && useradd --create-home --uid 10001 stratum && mkdir -p /work && chown stratum /work
USER stratum
ENV STRATUM_WORK_DIR=/work STRATUM_BACKEND=tensorflow-gpu
VOLUME ["/work"]
# The agent rewrites agent.alive every 10 s; older than a minute means it is hung.
HEALTHCHECK --interval=30s --timeout=5s CMD find /work/agent.alive -mmin -1 | grep -q .
ENTRYPOINT ["node", "apps/agent/dist/cli.js"]
