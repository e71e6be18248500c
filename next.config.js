/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Lets two builds coexist (e.g. a developer's and a test run's); server.ts reads the same config.
  distDir: process.env.RELAY_DIST_DIR || '.next',
  poweredByHeader: false,
  // Server-only packages with native or wasm parts are loaded from node_modules, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'pglite-prisma-adapter', '@prisma/adapter-pg', 'pg', 'ioredis', 'bcryptjs'],
};

export default nextConfig;
