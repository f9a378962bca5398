import {
  isDnsName,
  isIpv4,
  validateAccountPubkey,
  validateHfHome,
  validateKeyName,
} from '../../shared/deployment'

/** Who decides a config.env variable's value. */
export type VariableOwner = 'app' | 'keep' | 'optional'

/** One config.env variable of the reference's table: who owns it, and how a value is checked. */
export interface VariableSpec {
  readonly name: string
  readonly owner: VariableOwner
  readonly secret?: boolean
  /** The i18n key (under `config.validation.*`) of what is wrong with a value, or undefined. */
  readonly validate?: (value: string) => string | undefined
}

const port = (v: string): string | undefined => {
  const n = Number(v)
  return /^\d{1,5}$/.test(v) && n >= 1 && n <= 65535 ? undefined : 'portRange'
}
const httpUrl = (v: string): string | undefined =>
  /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v) ? undefined : 'urlInvalid'
const chainRpc = (v: string): string | undefined =>
  httpUrl(v) ?? (/\/chain-rpc\/$/.test(v) ? undefined : /:26657\/?$/.test(v) ? 'rpcOldPort' : undefined)
const tcpHostPort = (v: string): string | undefined => {
  const m = /^tcp:\/\/([^\s:/]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})$/.exec(v)
  if (!m) return 'tcpInvalid'
  const host = m[1] ?? ''
  return isIpv4(host) || isDnsName(host) || host.startsWith('[') ? port(m[2] ?? '') : 'tcpInvalid'
}
const bool = (v: string): string | undefined => (/^(true|false)$/.test(v) ? undefined : 'boolInvalid')
const whole = (v: string): string | undefined => (/^\d{1,15}$/.test(v) ? undefined : 'numberInvalid')
const nonEmpty = (v: string): string | undefined => (v.trim() === '' ? 'valueRequired' : undefined)

/**
 * The variables of the reference's `config.env` table (gonka-deploy.md §1.2), each with a label and
 * help in `config.vars.<NAME>` (en + zh-CN). Order follows upstream's template.
 */
export const CONFIG_VARIABLES: readonly VariableSpec[] = [
  { name: 'KEY_NAME', owner: 'app', validate: validateKeyName },
  {
    name: 'KEYRING_PASSWORD',
    owner: 'app',
    secret: true,
    validate: (v) => (v.length < 8 ? 'passwordShort' : undefined),
  },
  { name: 'API_PORT', owner: 'app', validate: port },
  { name: 'API_SSL_PORT', owner: 'app', validate: port },
  { name: 'PUBLIC_URL', owner: 'app', validate: httpUrl },
  { name: 'P2P_EXTERNAL_ADDRESS', owner: 'app', validate: tcpHostPort },
  {
    name: 'ACCOUNT_PUBKEY',
    owner: 'app',
    validate: (v) => validateAccountPubkey(v) ?? (v === '' ? 'pubkeyMissing' : undefined),
  },
  { name: 'NODE_CONFIG', owner: 'keep', validate: nonEmpty },
  { name: 'HF_HOME', owner: 'app', validate: validateHfHome },
  { name: 'SEED_API_URL', owner: 'app', validate: httpUrl },
  { name: 'SEED_NODE_RPC_URL', owner: 'app', validate: chainRpc },
  { name: 'SEED_NODE_P2P_URL', owner: 'app', validate: tcpHostPort },
  { name: 'BEACON_STATE_URL', owner: 'keep', validate: httpUrl },
  { name: 'DAPI_API__POC_CALLBACK_URL', owner: 'app', validate: httpUrl },
  { name: 'DAPI_CHAIN_NODE__URL', owner: 'keep', validate: httpUrl },
  { name: 'DAPI_CHAIN_NODE__P2P_URL', owner: 'keep', validate: httpUrl },
  { name: 'RPC_SERVER_URL_1', owner: 'app', validate: chainRpc },
  { name: 'RPC_SERVER_URL_2', owner: 'app', validate: chainRpc },
  { name: 'PORT', owner: 'app', validate: port },
  { name: 'INFERENCE_PORT', owner: 'app', validate: port },
  {
    name: 'KEYRING_BACKEND',
    owner: 'keep',
    validate: (v) => (v === 'file' ? undefined : 'keyringBackendFile'),
  },
  { name: 'DAPI_CHAIN_NODE__MIN_GAS_PRICE_NGONKA', owner: 'keep', validate: whole },
  { name: 'QUERY_GAS_LIMIT', owner: 'keep', validate: whole },
  { name: 'JAEGER_ENABLED', owner: 'optional', validate: bool },
  { name: 'GRAFANA_ENABLED', owner: 'optional', validate: bool },
  { name: 'JAEGER_BASIC_AUTH_USER', owner: 'optional' },
  { name: 'JAEGER_BASIC_AUTH_PASSWORD', owner: 'optional', secret: true },
  { name: 'GRAFANA_ADMIN_USER', owner: 'optional' },
  { name: 'GRAFANA_ADMIN_PASSWORD', owner: 'optional', secret: true },
  { name: 'DAPI_OTEL_ENABLED', owner: 'optional', validate: bool },
  { name: 'DEVSHARD_OTEL_ENABLED', owner: 'optional', validate: bool },
  { name: 'OTEL_ENDPOINT', owner: 'optional', validate: httpUrl },
  { name: 'NODE_INSTRUMENTATION_PROMETHEUS', owner: 'optional', validate: bool },
  {
    name: 'NGINX_MODE',
    owner: 'optional',
    validate: (v) => (/^(http|https|both)$/.test(v) ? undefined : 'nginxMode'),
  },
  {
    name: 'SERVER_NAME',
    owner: 'optional',
    validate: (v) => (v === '' || isDnsName(v) ? undefined : 'domainInvalid'),
  },
  { name: 'SSL_CERT_SOURCE', owner: 'optional', validate: nonEmpty },
  {
    name: 'CERT_ISSUER_DOMAIN',
    owner: 'optional',
    validate: (v) => (v === '' || isDnsName(v) ? undefined : 'domainInvalid'),
  },
  { name: 'CERT_ISSUER_JWT_SECRET', owner: 'optional', secret: true },
  {
    name: 'ACME_ACCOUNT_EMAIL',
    owner: 'optional',
    validate: (v) => (v === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? undefined : 'emailInvalid'),
  },
  {
    name: 'ACME_DNS_PROVIDER',
    owner: 'optional',
    validate: (v) =>
      v === '' || /^(cloudflare|route53|gcloud|azure|digitalocean|hetzner)$/.test(v)
        ? undefined
        : 'dnsProvider',
  },
]

/** The catalogue entry of a variable, when the reference names it. */
export function variableSpec(name: string): VariableSpec | undefined {
  return CONFIG_VARIABLES.find((v) => v.name === name)
}

/**
 * The variables and defaults of upstream's `deploy/join/config.env.template` (main, mid-2026), used for
 * the preview before a server's own template has been read. Apply always starts from the server's file.
 */
export const UPSTREAM_TEMPLATE = [
  'export KEY_NAME=<FILLIN>',
  'export KEYRING_PASSWORD=<FILLIN>',
  'export API_PORT=8000',
  'export API_SSL_PORT=8443',
  'export PUBLIC_URL=http://<HOST>:<PORT>',
  'export P2P_EXTERNAL_ADDRESS=tcp://<HOST>:<PORT>',
  'export ACCOUNT_PUBKEY=<ACCOUNT_PUBKEY_FROM_STEP_ABOVE>',
  'export NODE_CONFIG=./node-config.json',
  'export HF_HOME=/mnt/shared',
  'export SEED_API_URL=http://node2.gonka.ai:8000',
  'export SEED_NODE_RPC_URL=http://node2.gonka.ai:8000/chain-rpc/',
  'export SEED_NODE_P2P_URL=tcp://node2.gonka.ai:5000',
  'export DAPI_API__POC_CALLBACK_URL=http://api:9100',
  'export DAPI_CHAIN_NODE__URL=http://node:26657',
  'export DAPI_CHAIN_NODE__P2P_URL=http://node:26656',
  'export RPC_SERVER_URL_1=http://node1.gonka.ai:8000/chain-rpc/',
  'export RPC_SERVER_URL_2=http://node2.gonka.ai:8000/chain-rpc/',
  'export PORT=8080',
  'export INFERENCE_PORT=5050',
  'export KEYRING_BACKEND=file',
  'export DAPI_CHAIN_NODE__MIN_GAS_PRICE_NGONKA=0',
  'export QUERY_GAS_LIMIT=10000000',
  '',
].join('\n')
