# Echelon Analytics image: Deno 2.9.6 (from npm) on Debian 12, runtime npm packages only, a
# non-root user owning /app, the data in a volume.
#   docker build -t echelon .
#   docker run -p 1947:1947 -v echelon-data:/app/data echelon      (or docker compose up -d)
# A bind-mounted data directory must be writable by uid 1947 (chown 1947:1947 DIR).
# tests/deploy/image_test.ts executes this file's steps into a directory tree and runs its CMD as
# its user: keep to FROM, WORKDIR, ENV, COPY, RUN, USER, VOLUME, EXPOSE, HEALTHCHECK, CMD.

# Build: all npm packages (Vite, Tailwind, esbuild), the client and tracker builds, then the
# runtime packages alone in place of node_modules, pruned to the files the runtime reads: the
# modules its entry points load and the data files lib/bundled_data.ts names, with each used
# package's package.json and licences (scripts/runtime_files.ts lists them, while esbuild is
# still installed; scripts/prune_modules.ts deletes the rest).
FROM node:24-bookworm-slim AS build
ENV DENO_DIR=/deno-dir \
    DENO_NO_UPDATE_CHECK=1 \
    NO_COLOR=1
RUN npm install -g --no-audit --no-fund --loglevel=error deno@2.9.6
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
# `deno cache` compiles the server (and the route files and workers it imports at run time) into
# DENO_DIR, which the runtime stage keeps, so the first start does no compiling; its caches'
# SQLite logs are folded into their databases. The build tools and the build scripts run with a
# DENO_DIR of their own: the image's holds only the app's.
RUN DENO_DIR=/tmp/deno-build deno task build \
 && deno cache main.ts mcp/stdio.ts $(find routes islands components scripts -name '*.ts' -o -name '*.tsx') \
      $(find lib -name '*_worker.ts') \
 && DENO_DIR=/tmp/deno-build deno run -A scripts/compact_deno_dir.ts /deno-dir \
 && DENO_DIR=/tmp/deno-build deno run -A scripts/runtime_files.ts /tmp/runtime-files.txt \
 && rm -rf node_modules \
 && npm ci --omit=dev --no-audit --no-fund --loglevel=error \
 && DENO_DIR=/tmp/deno-build deno run -A scripts/prune_modules.ts /tmp/runtime-files.txt

# Runtime: Debian slim, the deno binary, the built app; no Node.js, no npm, no build tools.
FROM debian:bookworm-slim AS runtime
RUN groupadd --system --gid 1947 echelon \
 && useradd --system --uid 1947 --gid echelon --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin echelon \
 && mkdir -p /app/data /deno-dir \
 && chown echelon:echelon /app /app/data /deno-dir
COPY --from=build /usr/local/lib/node_modules/deno/deno /usr/local/bin/deno
COPY --from=build --chown=echelon:echelon /deno-dir /deno-dir
COPY --from=build --chown=echelon:echelon /app /app
ENV HOME=/app \
    DENO_DIR=/deno-dir \
    DENO_NO_UPDATE_CHECK=1 \
    ECHELON_DB_PATH=/app/data/echelon.db \
    ECHELON_PORT=1947
USER echelon
WORKDIR /app
VOLUME ["/app/data"]
EXPOSE 1947
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["deno", "eval", "const r = await fetch(`http://127.0.0.1:${Deno.env.get('ECHELON_PORT')}/api/health`); Deno.exit(r.ok ? 0 : 1)"]
CMD ["deno", "task", "serve"]
