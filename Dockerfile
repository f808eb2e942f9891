# syntax=docker/dockerfile:1
# The base image is a build argument so scripts/container-test.sh can build on a local stand-in;
# users keep the default.
ARG BASE_IMAGE=node:20-bookworm-slim

# Build stage: dev dependencies, TypeScript compile, the admin console bundle (dist/public/manage).
FROM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-fund --no-audit
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
COPY scripts/build-web.ts ./scripts/build-web.ts
RUN npm run build

# Runtime stage: production dependencies only. The gateway runs as `node` (uid 1000): the
# entrypoint starts as root only to hand DATA_DIR to that user, then drops privileges (setpriv).
FROM ${BASE_IMAGE} AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/app/data \
    PORT=8000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-fund --no-audit && npm cache clean --force
COPY scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 755 /usr/local/bin/docker-entrypoint.sh
# dist/src (the gateway) and dist/public/manage (the console at /manage).
COPY --from=build /app/dist ./dist
COPY config.defaults.toml ./config.defaults.toml
COPY public ./public
RUN mkdir -p /app/data && chown -R node:node /app/data && chmod 700 /app/data
VOLUME ["/app/data"]
EXPOSE 8000
# /ready, not just an open port: it is 503 while no account can serve or storage is down.
# Kept by `docker build` and by `podman build --format docker`; podman's default OCI format drops
# it (docker-compose.yml declares the same check, so compose users have it either way).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["node", "dist/src/main.js"]
