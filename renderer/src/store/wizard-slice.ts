import type { StateCreator } from 'zustand'
import type { ProgressEvent, PushedEvent } from '../../../electron/shared/progress'
import { STEPS, type StepId } from '../steps/steps'
import type { RootState } from '.'

/** Which step is open, and the progress of runs the back end reports. */
export interface WizardSlice {
  currentStep: StepId
  /** The last progress event of each run, by run id (bounded: finished runs are dropped). */
  runs: Record<string, ProgressEvent>
  stepChosen: (step: StepId) => void
  eventReceived: (event: PushedEvent) => void
}

const FINISHED = new Set<ProgressEvent['kind']>(['done', 'error', 'cancelled'])

export const createWizardSlice: StateCreator<RootState, [], [], WizardSlice> = (set, get) => ({
  currentStep: 'topology',
  runs: {},
  stepChosen(step) {
    const def = STEPS.find((s) => s.id === step)
    if (def?.available) set({ currentStep: step })
  },
  eventReceived(pushed) {
    if (pushed.type !== 'progress') return
    const { event } = pushed
    set((state) => {
      const runs = { ...state.runs }
      if (FINISHED.has(event.kind)) delete runs[event.runId]
      else runs[event.runId] = event
      return { runs }
    })
    get().connectionProgressReceived(event)
    get().checkProgressReceived(event)
  },
})
