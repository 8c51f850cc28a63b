/** @type {import('jest').Config} */
export default {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  moduleNameMapper: {
    // The parse worker runs compiled code: under jest, the test build's (test/helpers/parse-worker-url.ts).
    "^\\./parse-worker-url\\.js$": "<rootDir>/test/helpers/parse-worker-url.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json", diagnostics: { ignoreCodes: [151002] } }],
  },
  // Generous: a loaded CI machine is slow, and the e2e waits (up to 60 s) must report before jest gives up.
  testTimeout: 90_000,
  globalSetup: "<rootDir>/test/global-setup.ts",
};
