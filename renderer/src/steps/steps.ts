/** The nine wizard steps, in order. `available` steps can be opened; the others say what they will do. */
export const STEPS = [
  { id: 'topology', available: true },
  { id: 'prerequisites', available: true },
  { id: 'keys', available: true },
  { id: 'configuration', available: true },
  { id: 'network', available: true },
  { id: 'launch', available: true },
  { id: 'mlNodes', available: true },
  { id: 'status', available: true },
  { id: 'export', available: true },
] as const

/** One of the step ids. */
export type StepId = (typeof STEPS)[number]['id']

/** What the rail shows for a step. */
export type StepStatus = 'notStarted' | 'running' | 'attention' | 'done' | 'unavailable'
