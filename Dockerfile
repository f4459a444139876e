# syntax=docker/dockerfile:1
# One image for the api, the worker and the codec server (the compose file picks the command).
# Debian slim, not Alpine: @temporalio/core-bridge ships glibc binaries.
ARG NODE_VERSION=20.20.2

FROM node:${NODE_VERSION}-bookworm-slim AS base
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# ---- build: all dependencies, the prebuilt workflow bundle, then drop dev dependencies ----
FROM base AS build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# dist/workflow-bundle.js: production workers load it (WORKFLOW_BUNDLE_PATH) instead of bundling at start.
RUN npm run build:workflows && test -s dist/workflow-bundle.js
# tsx is a runtime dependency (the processes run the TypeScript sources), so it survives the prune.
RUN npm prune --omit=dev --no-audit --no-fund && npm cache clean --force \
  && node -e "require.resolve('tsx'); require.resolve('@temporalio/worker')"

# ---- runtime ----
FROM base AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=1024 \
    DATA_DIR=/app/.data \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
# Code stays root-owned (read-only to the process); only the data directory is writable.
COPY --from=build /app /app
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000 9464 8888
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["npm", "run", "start:api"]
