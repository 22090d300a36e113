import { defineConfig } from 'drizzle-kit'

// PostgreSQL's migrations (drizzle.config.ts has SQLite's): `npm run db:generate:pg`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg-schema.ts',
  out: './migrations-pg',
  casing: 'snake_case'
})
