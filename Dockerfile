# The Paidan application image (used by docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production IBM_TELEMETRY_DISABLED=true
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund || npm ci --no-audit --no-fund
COPY . .
EXPOSE 3000
# the V8 heap cap: see "Sizing the server" in the README
CMD ["node", "--max-old-space-size=320", "--import", "tsx", "api/src/main.ts"]
