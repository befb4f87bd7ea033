// Prisma CLI configuration (Prisma 7 keeps connection URLs out of schema.prisma).
// `prisma generate` needs no database; `prisma migrate deploy/status` read DATABASE_URL.
// Stratum applies migrations with its own runner (@stratum/db), which writes the same
// _prisma_migrations rows, so both agree wherever Prisma's native engine is available.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/stratum' },
});
