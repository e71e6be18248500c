const dev = process.env.NODE_ENV !== 'production';

// Next's hydration uses inline scripts (and eval in development): without per-request nonces,
// 'unsafe-inline' is what lets the app run. Everything else comes from our own origin only.
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = [
  { key: 'Content-Security-Policy', value: contentSecurityPolicy },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Lets two builds coexist (e.g. a developer's and a test run's); server.ts reads the same config.
  distDir: process.env.RELAY_DIST_DIR || '.next',
  poweredByHeader: false,
  // Turbopack's cache of a dev build, kept across restarts, sent every page after a restart into a loop
  // of full reloads (it answered the page's update subscription with "restart" at each load): each
  // `npm run dev` compiles afresh instead, a few seconds longer to the first page.
  experimental: { turbopackFileSystemCacheForDev: false },
  // Next's dev badge sat over the message box's Attach button on a phone; build and runtime errors still
  // show in its overlay.
  devIndicators: false,
  // The embedded database, its secrets and the uploads live in ./data: never listed as a route's files, so
  // nothing packaged from the build's traces (standalone output, an image) carries them.
  outputFileTracingExcludes: { '/**': ['./data/**/*'] },
  // `next dev` serves its dev assets to these origins too, so the app hydrates at 127.0.0.1 as at localhost.
  allowedDevOrigins: ['127.0.0.1', 'localhost'],
  // Server-only packages with native or wasm parts are loaded from node_modules, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'pglite-prisma-adapter', '@prisma/adapter-pg', 'pg', 'ioredis', 'bcryptjs', '@node-rs/bcrypt', 'sharp', 'bullmq', 'web-push', 'pino', 'prom-client'],
  async headers() {
    // Served files (attachments, profile pictures) carry their own stricter policy (default-src 'none';
    // sandbox): not overwritten here.
    return [{ source: '/:path((?!api/v1/attachments/|api/v1/users/[^/]+/avatar$).*)', headers: securityHeaders }];
  },
};

export default nextConfig;
