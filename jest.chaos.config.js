/** The fault suite (`npm run test:chaos`): real broker and Redis, faults injected, one scenario at a time. */
const { projects } = require('./jest.config');
const e2e = projects.find((project) => project.displayName === 'e2e');

module.exports = {
  ...e2e,
  displayName: 'chaos',
  testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'],
  testTimeout: 300000,
  globalSetup: '<rootDir>/test/chaos/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/chaos/support/global-teardown.ts',
};
