/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Lets two builds coexist (e.g. a developer's and a test run's); server.ts reads the same config.
  distDir: process.env.RELAY_DIST_DIR || '.next',
  poweredByHeader: false,
  // `next dev` serves its dev assets to these origins too, so the app hydrates at 127.0.0.1 as at localhost.
  allowedDevOrigins: ['127.0.0.1', 'localhost'],
  // Server-only packages with native or wasm parts are loaded from node_modules, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'pglite-prisma-adapter', '@prisma/adapter-pg', 'pg', 'ioredis', 'bcryptjs', '@node-rs/bcrypt', 'sharp', 'bullmq', 'web-push', 'pino', 'prom-client'],
};

export default nextConfig;
