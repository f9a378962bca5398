import { z } from 'zod'
import { op } from '../op'
import {
  AUTH_METHODS,
  SERVER_ROLES,
  profileSchema,
  type Profile,
  type ProfileProblem,
  type ProfileSummary,
  type ServerFieldErrors,
  type ProfileCheck,
  type ValidationKey,
} from '../profile'

/** A server as the form edits it (port still free text). */
const serverDraftSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().max(200),
  address: z.string().max(300),
  port: z.union([z.string().max(20), z.number()]),
  user: z.string().max(100),
  auth: z.enum(AUTH_METHODS),
  keyPath: z.string().max(4096).optional(),
  role: z.enum(SERVER_ROLES),
  jumpHostId: z.string().max(64).optional(),
})

const profileId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)

/** Profile storage: list, load, save, delete. */
export const profileOps = {
  listProfiles: op<{ profiles: ProfileSummary[]; problems: ProfileProblem[]; lastProfileId?: string }>()(
    z.object({}).strict(),
  ),
  loadProfile: op<Profile>()(z.object({ id: profileId }).strict()),
  saveProfile: op<Profile>()(z.object({ profile: profileSchema }).strict()),
  deleteProfile: op<{ deleted: boolean }>()(z.object({ id: profileId }).strict()),
  checkProfile: op<ProfileCheck>()(z.object({ profile: profileSchema }).strict()),
  /** What is wrong with a seed API URL as typed (nothing when it is fine or empty). */
  validateSeedApiUrl: op<{ problem?: ValidationKey }>()(z.object({ url: z.string().max(100_000) }).strict()),
  validateServer: op<ServerFieldErrors>()(
    z.object({ server: serverDraftSchema, others: z.array(serverDraftSchema).max(64) }).strict(),
  ),
} as const
