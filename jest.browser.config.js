/** Browser tests: headless Chromium driven by playwright-core; run serially, one browser at a time. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.test.ts'],
  // jose 6 ships only ES modules; jest's CommonJS runtime on Node 20 needs them compiled like our own code.
  transform: { '^.+\\.ts$': ['@swc/jest'], '/node_modules/jose/.+\\.js$': ['@swc/jest'] },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testTimeout: 120000,
  maxWorkers: 1,
};
