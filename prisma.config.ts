import { defineConfig } from 'prisma/config';

// The CLI needs a URL only for commands that touch a database (`prisma migrate dev`
// on a connected machine). The app itself never reads this file.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/agentwire' },
});
