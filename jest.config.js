const { availableParallelism } = require('node:os');

/** Two projects: `unit` (*.spec.ts beside the code) and `e2e` (real RabbitMQ, simulators). */
const moduleNameMapper = {
  '^@lib/(messaging|credentials|resilience|observability|testing|contracts|delivery|service|vendor-http)$': '<rootDir>/libs/$1/src',
  '^@lib/(messaging|credentials|resilience|observability|testing|contracts|delivery|service|vendor-http)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = { '^.+\\.ts$': 'ts-jest' };
const shared = { rootDir: __dirname, moduleFileExtensions: ['ts', 'js', 'json'], testEnvironment: 'node', moduleNameMapper, transform };

module.exports = {
  testTimeout: 60000,
  // The broker-level specs mostly wait on RabbitMQ, Redis and the simulators: two workers even on two cores.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/src/**/*.spec.ts', '<rootDir>/libs/**/src/**/*.spec.ts', '<rootDir>/{ops,docs,bench,deploy}/**/*.spec.ts'],
    },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/apps/**/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
