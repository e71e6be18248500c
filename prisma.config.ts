import { defineConfig } from 'prisma/config';

// The CLI reads the URL from here; the app itself connects through a driver adapter
// (server/db/open-database.ts) and applies migrations with its own runner.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relay' },
});
