import { create } from 'zustand'
import { createAppSlice, type AppSlice } from './app-slice'
import { createChecksSlice, type ChecksSlice } from './checks-slice'
import { createConnectionSlice, type ConnectionSlice } from './connection-slice'
import { createProfileSlice, type ProfileSlice } from './profile-slice'
import { createWizardSlice, type WizardSlice } from './wizard-slice'

/** The whole UI state: one store made of slices; actions are named as events. */
export type RootState = AppSlice & ProfileSlice & WizardSlice & ConnectionSlice & ChecksSlice

export const useStore = create<RootState>()((...a) => ({
  ...createAppSlice(...a),
  ...createProfileSlice(...a),
  ...createWizardSlice(...a),
  ...createConnectionSlice(...a),
  ...createChecksSlice(...a),
}))
