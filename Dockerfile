# nvote gateway image. Build: docker build -t nvote .
# Base images are Node 24, the current LTS line (Node 20 reached its end of life on 2026-04-30;
# package.json's engines allow 20.12+, 22 and 24, and CI runs on 20 and 24), on Debian bookworm,
# so both stages share one libc and one Node ABI.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so their layer is reused while only sources change. --ignore-scripts
# because package.json's `prepare` runs the build, and the sources are not here yet; no
# dependency needs its install script for the build (tsc is plain JavaScript; the esbuild and
# buf binaries serve tsx and code generation, and protobufjs's script only prints warnings).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.gateway.json ./
# voter/gen is committed, so neither buf nor proto/ is needed here. tools/ stays out (and out of
# the context): the CLI, the campaign and the bench are clients of the gateway, not part of it.
# build:gateway compiles voter/, versions/ and client/ only.
COPY voter ./voter
COPY versions ./versions
COPY client ./client
RUN npm run build:gateway \
    && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
# tini as PID 1 forwards SIGTERM to node, so the gateway drains in-flight calls on `docker stop`,
# and reaps any zombie processes.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
# The probe cannot see NVOTE_LISTEN's port; override both together.
ENV NVOTE_HEALTH_ADDRESS=127.0.0.1:50051
WORKDIR /app
# Owned by root and so read-only to the `node` user: the gateway never writes its own code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 50051 9464
# Starting the worker pools of every version takes a few seconds; the probe's own deadline is 2 s.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["node", "dist/voter/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/voter/main.js"]
