import { z } from 'zod'

/** Addresses of lab hosts are always inside the lab's own documentation range. */
const labAddress = z.string().regex(/^198\.51\.100\.\d{1,3}$/, 'a lab address in 198.51.100.0/24')

/** One test host of a lab, as `lab.sh up` writes it into hosts.json. */
export const labHostSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9]{0,5}$/),
  netns: z.string().min(1),
  hostname: z.string().min(1),
  address: labAddress,
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1),
  password: z.string().min(1),
  privateKeyPath: z.string().startsWith('/'),
  knownHostsLine: z.string().min(1),
  hostKeyFingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/),
  role: z.enum(['network', 'mlnode', 'seed', 'generic']),
  fakeGpu: z.boolean(),
  docker: z.boolean(),
  /** The test user's home as seen from the machine (to inspect what the app uploaded). */
  home: z.string().startsWith('/'),
  /** The host's state directory on the machine (keys, pid files, logs). */
  dir: z.string().startsWith('/'),
  /** argv prefix that runs a command as root inside the host's namespaces. */
  rootExec: z.array(z.string().min(1)).min(2),
  gonkaRepoUrl: z.string().startsWith('file:///'),
})

/** The whole lab as hosts.json describes it. */
export const labSchema = z.object({
  prefix: z.string().regex(/^[a-z][a-z0-9]{0,9}$/),
  out: z.string().startsWith('/'),
  subnet: z.string().regex(/^198\.51\.100\.\d{1,3}\/28$/),
  gateway: labAddress,
  clientKeyPath: z.string().startsWith('/'),
  knownHostsPath: z.string().startsWith('/'),
  composeVersion: z.string(),
  sudoMode: z.enum(['nopasswd', 'password', 'none']),
  gonkaRepoUrl: z.string().startsWith('file:///'),
  cacheDir: z.string().startsWith('/'),
  hosts: z.array(labHostSchema).min(1),
})

export type LabHost = z.infer<typeof labHostSchema>
export type Lab = z.infer<typeof labSchema>
export type SudoMode = Lab['sudoMode']
