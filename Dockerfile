# One image for web, worker and the migrate step; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
ENV NEXT_TELEMETRY_DISABLED=1 PNPM_HOME=/pnpm PATH=/pnpm:$PATH
RUN npm install -g pnpm@12.4.2
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile && pnpm --filter @scrollintel/web build
EXPOSE 3000 3001
CMD ["pnpm", "--filter", "@scrollintel/web", "start"]
