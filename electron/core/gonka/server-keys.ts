import { z } from 'zod'
import type { I18nText } from '../../shared/deploy'
import {
  DEFAULT_COLD_KEY_NAME,
  EXPIRING_DAYS,
  ML_OPS_PERMISSIONS,
  type GrantsView,
} from '../../shared/server-keys'
import { AppFailure } from '../errors'
import { quoteArg } from '../ssh/quote'

/** The seed without a trailing slash. */
export function seedBase(seedUrl: string): string {
  return seedUrl.trim().replace(/\/+$/, '')
}

/**
 * The exact command the user runs on the secure machine that holds the cold key (reference §2:
 * `tx inference grant-ml-ops-permissions <cold-key-name> <warm-addr> --from <cold> --keyring-backend
 * file --gas 2000000 --node <seed>/chain-rpc/`).
 */
export function grantCommand(input: {
  readonly coldKeyName?: string
  readonly warmAddress: string
  readonly seedUrl: string
}): string {
  const cold = input.coldKeyName?.trim() || DEFAULT_COLD_KEY_NAME
  return [
    './inferenced',
    'tx',
    'inference',
    'grant-ml-ops-permissions',
    cold,
    input.warmAddress,
    '--from',
    cold,
    '--keyring-backend',
    'file',
    '--gas',
    '2000000',
    '--node',
    `${seedBase(input.seedUrl)}/chain-rpc/`,
  ]
    .map(quoteArg)
    .join(' ')
}

const grantsSchema = z.object({
  grants: z
    .array(
      z.object({
        authorization: z.object({ msg: z.string().optional() }).passthrough(),
        expiration: z.string().nullable().optional(),
      }),
    )
    .nullable()
    .optional(),
})

const allowanceSchema = z.object({
  allowance: z
    .object({
      allowance: z.object({ expiration: z.string().nullable().optional() }).passthrough().optional(),
    })
    .passthrough()
    .optional(),
})

/** The authz grants answer and the fee allowance (undefined = none) judged against upstream's list. */
export function evaluateGrants(input: {
  readonly granter: string
  readonly grantee: string
  readonly grants: unknown
  readonly allowance: unknown
  readonly now: Date
}): GrantsView {
  const parsed = grantsSchema.safeParse(input.grants)
  if (!parsed.success)
    throw new AppFailure('CHECK_FAILED', 'The authz grants answer has an unexpected shape.')
  const soon = input.now.getTime() + EXPIRING_DAYS * 86_400_000
  const byMsg = new Map<string, string | null>()
  for (const g of parsed.data.grants ?? []) {
    const msg = g.authorization.msg
    if (!msg) continue
    const exp = g.expiration ?? null
    if (exp !== null && Date.parse(exp) <= input.now.getTime()) continue // expired: not granted
    byMsg.set(msg, exp)
  }
  const granted = ML_OPS_PERMISSIONS.filter((m) => byMsg.has(m))
  const missing = ML_OPS_PERMISSIONS.filter((m) => !byMsg.has(m))
  const expiring = granted.flatMap((msg) => {
    const exp = byMsg.get(msg)
    return exp && Date.parse(exp) <= soon ? [{ msg, expiration: exp }] : []
  })
  let feeAllowance: GrantsView['feeAllowance'] = 'missing'
  let feeAllowanceExpiration: string | undefined
  if (input.allowance !== undefined) {
    const a = allowanceSchema.safeParse(input.allowance)
    const exp = a.success ? (a.data.allowance?.allowance?.expiration ?? undefined) : undefined
    feeAllowanceExpiration = exp ?? undefined
    if (exp && Date.parse(exp) <= input.now.getTime()) feeAllowance = 'missing'
    else feeAllowance = exp && Date.parse(exp) <= soon ? 'expiring' : 'present'
  }
  return {
    granter: input.granter,
    grantee: input.grantee,
    granted,
    missing,
    expiring,
    feeAllowance,
    ...(feeAllowanceExpiration ? { feeAllowanceExpiration } : {}),
    complete: missing.length === 0 && expiring.length === 0 && feeAllowance === 'present',
  }
}

/** The short name of a message type (`MsgStartInference`). */
export function permissionName(typeUrl: string): string {
  return typeUrl.split('.').pop() ?? typeUrl
}

/** Why the host cannot serve yet, from what is known (texts `deploy.keys.cannotServe.*`). */
export function cannotServeReasons(input: {
  readonly warmPresent: boolean
  readonly registered: boolean
  readonly grants?: GrantsView
}): I18nText[] {
  const out: I18nText[] = []
  if (!input.warmPresent) out.push({ key: 'deploy.keys.cannotServe.noWarmKey' })
  if (!input.registered) out.push({ key: 'deploy.keys.cannotServe.notRegistered' })
  if (!input.grants) out.push({ key: 'deploy.keys.cannotServe.grantsUnknown' })
  else {
    if (input.grants.missing.length > 0)
      out.push({
        key: 'deploy.keys.cannotServe.grantsMissing',
        params: {
          count: input.grants.missing.length,
          names: input.grants.missing.map(permissionName).join(', '),
        },
      })
    if (input.grants.expiring.length > 0)
      out.push({
        key: 'deploy.keys.cannotServe.grantsExpiring',
        params: { names: input.grants.expiring.map((e) => permissionName(e.msg)).join(', ') },
      })
    if (input.grants.feeAllowance !== 'present')
      out.push({ key: `deploy.keys.cannotServe.feeAllowance.${input.grants.feeAllowance}` })
  }
  return out
}

async function getJson(
  url: string,
  signal: AbortSignal | undefined,
): Promise<{ status: number; body: unknown; text: string }> {
  const timeout = AbortSignal.timeout(10_000)
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
  let response: Response
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: combined })
  } catch (error) {
    if (signal?.aborted) throw new AppFailure('CANCELLED', 'The operation was cancelled.', { cause: error })
    throw new AppFailure('UNREACHABLE', `Cannot reach ${new URL(url).origin}.`, {
      hint: 'Check the seed API address and that this computer can reach it.',
      cause: error,
    })
  }
  const text = (await response.text()).slice(0, 1_000_000)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status: response.status, body, text }
}

/** Reads the pair's authz grants and fee allowance from `<seed>/chain-api/` and judges them. */
export async function readGrants(
  seedUrl: string,
  granter: string,
  grantee: string,
  options: { signal?: AbortSignal; now?: Date } = {},
): Promise<GrantsView> {
  const base = seedBase(seedUrl)
  const q = new URLSearchParams({ granter, grantee })
  const [g, a] = await Promise.all([
    getJson(`${base}/chain-api/cosmos/authz/v1beta1/grants?${q.toString()}`, options.signal),
    getJson(
      `${base}/chain-api/cosmos/feegrant/v1beta1/allowance/${encodeURIComponent(granter)}/${encodeURIComponent(grantee)}`,
      options.signal,
    ),
  ])
  if (g.status !== 200)
    throw new AppFailure('CHECK_FAILED', `The seed answered HTTP ${g.status} for the authz grants.`, {
      details: { status: g.status },
    })
  // "No allowance" is told by its text (upstream's HTTP status is not 404), reference §3.
  const noAllowance = a.status !== 200 && /not found/i.test(a.text)
  if (a.status !== 200 && !noAllowance)
    throw new AppFailure('CHECK_FAILED', `The seed answered HTTP ${a.status} for the fee allowance.`, {
      details: { status: a.status },
    })
  return evaluateGrants({
    granter,
    grantee,
    grants: g.body,
    allowance: noAllowance ? undefined : a.body,
    now: options.now ?? new Date(),
  })
}

/** `/v2/accounts/<addr>`: whether the account exists on chain, holds GNK, and has a public key. */
export async function readAccount(
  seedUrl: string,
  address: string,
  signal?: AbortSignal,
): Promise<{ exists: boolean; balance: number; hasPubkey: boolean } | undefined> {
  try {
    const r = await getJson(`${seedBase(seedUrl)}/v2/accounts/${encodeURIComponent(address)}`, signal)
    if (r.status === 404) return { exists: false, balance: 0, hasPubkey: false }
    if (r.status !== 200 || !r.body || typeof r.body !== 'object') return undefined
    const b = r.body as { pubkey?: unknown; balance?: unknown }
    const balance = Number(b.balance ?? 0)
    const hasPubkey = typeof b.pubkey === 'string' && b.pubkey !== ''
    return {
      exists: hasPubkey || balance > 0,
      balance: Number.isFinite(balance) ? balance : 0,
      hasPubkey,
    }
  } catch (error) {
    if (error instanceof AppFailure && error.code === 'CANCELLED') throw error
    return undefined
  }
}

/**
 * Why a registration did not show up, as the reference lists them: registration closed or allowlisted;
 * the account exists already (a second registration never updates the URL: `submit-new-participant`
 * does); the account holds GNK but never sent a transaction (register from the local machine with
 * `submit-new-participant`).
 */
export function registrationTimeoutText(input: {
  readonly address: string
  readonly seconds: number
  readonly account?: { exists: boolean; balance: number; hasPubkey: boolean }
}): { message: string; hint: string } {
  const causes: string[] = []
  if (input.account?.exists && input.account.hasPubkey)
    causes.push(
      'The account exists on chain already, so the chain refused the registration (code 1110). A second ' +
        'registration never updates the URL: to change the URL or keys, run `inferenced tx inference ' +
        'submit-new-participant <PUBLIC_URL> --validator-key … --from <cold key> --node <seed>/chain-rpc/` ' +
        'on the machine that holds the cold key.',
    )
  else if (input.account?.exists)
    causes.push(
      'The account holds GNK but has never sent a transaction, so the chain refuses the registration ' +
        'from the container. Register from the machine that holds the cold key with `inferenced tx ' +
        'inference submit-new-participant <PUBLIC_URL> --validator-key … --from <cold key> --node ' +
        '<seed>/chain-rpc/`.',
    )
  causes.push(
    'Registration may be closed, or limited to an allowlist that does not hold this address: ask the ' +
      'network (the seed) when registration opens.',
  )
  if (!input.account?.exists)
    causes.push(
      'The account may exist already (registered before, or created by receiving GNK): then a new ' +
        'registration is refused and the URL is not updated; use `submit-new-participant` from the cold key.',
    )
  return {
    message: `The participant ${input.address} did not appear on the seed within ${input.seconds} s; the registration is not done.`,
    hint: causes.join(' '),
  }
}
