// Stand-in for the network node's `proxy` container (nginx in the real image): public
// port 80 (and 443 as plain HTTP) in front of api:9000; chain routes disabled by default.
import http from 'node:http'
import { envPort, log, sendText, startServer } from './common.mjs'

const ROLE = 'proxy'

/** DISABLE_* flags: unset means disabled for the chain routes (newest entrypoint). */
function disabled(name, dflt) {
  const v = process.env[name]
  if (v === undefined || v === '') return dflt
  return v.toLowerCase() === 'true'
}

export async function runProxy() {
  const apiHost = process.env.STANDIN_API_HOST || 'api'
  const apiPort = Number(process.env.GONKA_API_PORT || 9000)
  const nodeHost = process.env.STANDIN_NODE_HOST || 'node'
  const rpcPort = Number(process.env.CHAIN_RPC_PORT || 26657)
  const blocked = (process.env.GONKA_API_BLOCKED_ROUTES || 'poc-batches training')
    .split(/\s+/)
    .filter(Boolean)

  function forward(req, res, host, port, path) {
    return new Promise((resolve) => {
      const up = http.request({ host, port, method: req.method, path, headers: req.headers }, (ur) => {
        res.writeHead(ur.statusCode || 502, { ...ur.headers, 'x-gonka-standin': ROLE })
        ur.pipe(res)
        ur.on('end', resolve)
      })
      up.on('error', (e) => {
        log(
          ROLE,
          `[error] upstream ${host}:${port} failed (${e.code || e.message}) for ${req.method} ${req.url}`,
        )
        if (!res.headersSent) sendText(res, 502, '502 Bad Gateway (stand-in proxy)\n')
        resolve()
      })
      req.pipe(up)
    })
  }

  const handler = async (req, res) => {
    const raw = req.url || '/'
    const path = raw.split('?')[0]
    if (path === '/health') return sendText(res, 200, 'healthy\n')
    if (path.startsWith('/chain-rpc')) {
      if (disabled('DISABLE_CHAIN_RPC', true)) return sendText(res, 404, 'Chain RPC Disabled\n')
      return forward(req, res, nodeHost, rpcPort, raw.replace(/^\/chain-rpc\/?/, '/'))
    }
    if (path.startsWith('/chain-api')) {
      if (disabled('DISABLE_CHAIN_API', true)) return sendText(res, 404, 'Chain API Disabled\n')
      return forward(
        req,
        res,
        nodeHost,
        Number(process.env.CHAIN_API_PORT || 1317),
        raw.replace(/^\/chain-api\/?/, '/'),
      )
    }
    if (path.startsWith('/chain-grpc')) {
      if (disabled('DISABLE_CHAIN_GRPC', true)) return sendText(res, 404, 'Chain gRPC Disabled\n')
      return sendText(res, 501, 'gRPC is not available in the stand-in\n')
    }
    let apiPath = null
    if (path.startsWith('/api/v1/')) apiPath = raw.replace(/^\/api/, '')
    else if (path.startsWith('/v1/') || path.startsWith('/v2/')) apiPath = raw
    if (apiPath !== null) {
      if (disabled('DISABLE_GONKA_API', false)) return sendText(res, 404, 'Gonka API Disabled\n')
      const seg = apiPath.split('/')[2] || ''
      if (blocked.includes(seg)) return sendText(res, 403, 'Forbidden\n')
      return forward(req, res, apiHost, apiPort, apiPath)
    }
    // `/` is the explorer dashboard in the real proxy.
    return sendText(
      res,
      200,
      '<html><body><h1>STAND-IN explorer dashboard (not the real Gonka explorer)</h1></body></html>\n',
      'text/html',
    )
  }

  await startServer(ROLE, 'http', envPort(['STANDIN_PROXY_PORT'], 80), handler)
  if (process.env.STANDIN_PROXY_SSL_PORT !== '-1') {
    // The real proxy serves TLS here when certificates exist; the stand-in answers plain HTTP.
    await startServer(
      ROLE,
      'https (plain HTTP in the stand-in)',
      envPort(['STANDIN_PROXY_SSL_PORT'], 443),
      handler,
    )
  }
}
