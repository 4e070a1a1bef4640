# Orion server image. Build from the repository root:
#   docker build -t orion:0.1.0 .
# Run (flags after the image name are passed to the server):
#   docker run --rm -p 5980:5980/tcp -p 5990:5990/udp orion:0.1.0

# Build stage: dev dependencies are needed to compile TypeScript, and stay in this stage.
FROM node:24-slim AS build
WORKDIR /app
# The workspace packages' manifests come with the lockfile, so npm ci links them.
COPY package.json package-lock.json ./
COPY packages/protocol/package.json ./packages/protocol/
COPY packages/sdk/package.json ./packages/sdk/
# --ignore-scripts: no dependency needs an install script to build (the only ones are a
# telemetry ping and a native-binary check for a test-only compiler).
RUN npm ci --ignore-scripts
COPY tsconfig.base.json tsconfig.json tsconfig.build.json ./
COPY packages ./packages
COPY src ./src
# The packages (@orion/protocol, which the server imports, and @orion/sdk, which its CLI
# uses) build first; their sources stay in this stage.
RUN npm run build && rm -rf packages/*/src packages/*/tsconfig.json

# Runtime stage: production dependencies and the compiled output only.
FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/packages ./packages
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Served at /docs/asyncapi.yaml; the server reads it from beside dist/.
COPY docs/asyncapi.yaml ./docs/asyncapi.yaml

# Files stay owned by root, so the server cannot rewrite its own code. 1000 is the image's
# `node` user; numeric, so Kubernetes' runAsNonRoot can check it without a passwd lookup.
USER 1000:1000

# HTTP and WebSocket; UDP for ptpMediation_connect datagrams.
EXPOSE 5980/tcp 5990/udp

# Exec form: node is PID 1 and receives SIGTERM itself, so the server drains before it exits
# (see README "Stopping"). Extra arguments to `docker run` become server flags.
ENTRYPOINT ["node", "dist/main.js"]
