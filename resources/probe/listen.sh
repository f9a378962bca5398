# Gonka Host Wizard: temporary TCP listeners for the reachability checks.
# Usage: sh -s -- TOKEN SECONDS PORT...   (also appended to probe.sh, after a `set --` line, so a
# host's listeners start in the same SSH channel as its probe, right after the port checks.)
# For each port that nothing listens on yet, listens in the background and accepts and closes
# connections. Everything stops when /tmp/ghw-listen-TOKEN is removed (stop.sh) or after SECONDS,
# whichever comes first, so nothing is left behind even if the app goes away.
# Prints one JSON line: {"tool":...,"ports":{"9100":"temporary"|"existing"|"failed"}}
TOKEN=$1
SECS=$2
shift 2
case $TOKEN in *[!A-Za-z0-9_-]*|'') echo '{"error":"bad token"}'; exit 2 ;; esac
case $SECS in *[!0-9]*|'') echo '{"error":"bad seconds"}'; exit 2 ;; esac
FLAG=/tmp/ghw-listen-$TOKEN
: >"$FLAG"

if command -v python3 >/dev/null 2>&1; then
  # One process for all ports: it binds them (a port in use is "existing"), forks a child that keeps
  # the sockets, and prints the states only once the child's pid is on record for stop.sh.
  # shellcheck disable=SC2016
  python3 -c '
import errno, json, os, select, socket, sys, time
flag, secs, ports = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
state, socks = {}, []
for p in ports:
    if p in state:
        continue
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("0.0.0.0", int(p)))
        s.listen(16)
        s.setblocking(False)
        socks.append(s)
        state[p] = "temporary"
    except (OSError, ValueError) as e:
        s.close()
        state[p] = "existing" if getattr(e, "errno", None) == errno.EADDRINUSE else "failed"
if socks:
    pid = os.fork()
    if pid == 0:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        deadline = time.time() + secs
        while time.time() < deadline and os.path.exists(flag):
            ready, _, _ = select.select(socks, [], [], 0.2)
            for s in ready:
                try:
                    s.accept()[0].close()
                except OSError:
                    pass
        os._exit(0)
    with open(flag + ".pids", "a") as f:
        f.write("%d\n" % pid)
print(json.dumps({"tool": "python3", "ports": state}, separators=(",", ":")))
' "$FLAG" "$SECS" "$@" </dev/null
  exit $?
fi

listening() { # port → 0 when a LISTEN socket (state 0A) exists on it
  hex=$(printf '%04X' "$1")
  awk -v h=":$hex" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == h { found = 1 } END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

TOOL=none
if command -v busybox >/dev/null 2>&1 && busybox nc --help 2>&1 | grep -q -- '-l'; then TOOL=busybox
elif command -v socat >/dev/null 2>&1; then TOOL=socat
fi

start() { # port
  (
    end=$(($(date +%s) + SECS))
    while [ -e "$FLAG" ] && [ "$(date +%s)" -lt "$end" ]; do
      if [ $TOOL = busybox ]; then
        busybox timeout 1 busybox nc -l -p "$1" </dev/null >/dev/null 2>&1
      else
        timeout 1 socat -u "TCP-LISTEN:$1,reuseaddr" /dev/null >/dev/null 2>&1
      fi
    done
  ) >/dev/null 2>&1 </dev/null &
  echo $! >>"$FLAG.pids"
}

WANT=
for p in "$@"; do
  if listening "$p"; then continue; fi
  [ $TOOL = none ] || start "$p"
  WANT="$WANT $p"
done

# Wait (up to ~3 s) until the listeners are bound, then report each port.
i=0
while [ $TOOL != none ] && [ $i -lt 30 ]; do
  ok=1
  for p in $WANT; do listening "$p" || ok=0; done
  [ $ok = 1 ] && break
  sleep 0.1 2>/dev/null || sleep 1
  i=$((i + 1))
done

printf '{"tool":"%s","ports":{' "$TOOL"
sep=
for p in "$@"; do
  state=existing
  case " $WANT " in *" $p "*) if listening "$p"; then state=temporary; else state=failed; fi ;; esac
  printf '%s"%s":"%s"' "$sep" "$p" "$state"
  sep=,
done
printf '}}\n'
