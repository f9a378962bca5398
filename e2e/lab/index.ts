// The lab's programmatic API for Vitest global setup, lab tests and Playwright fixtures.
export * from './lab-schema'
export * from './lab-control'
export * from './lab-ssh'
export * from './faults'
