/** Unit, route and contract tests. Browser tests have their own config (jest.browser.config.js). */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
  // jose 6 ships only ES modules; jest's CommonJS runtime on Node 20 needs them compiled like our own code.
  transform: { '^.+\\.ts$': ['@swc/jest'], '/node_modules/jose/.+\\.js$': ['@swc/jest'] },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  setupFiles: ['<rootDir>/test/setup/fast-check.ts'],
  testTimeout: 20000,
};
