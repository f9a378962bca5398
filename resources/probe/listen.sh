# Gonka Host Wizard: temporary TCP listeners for the reachability checks.
# Usage: sh -s -- TOKEN SECONDS PORT...
# For each port that nothing listens on yet, starts a listener in the background that accepts and
# closes connections. All of them stop when $TMPDIR/ghw-listen-TOKEN is removed (stop.sh) or after
# SECONDS, whichever comes first, so nothing is left behind even if the app goes away.
# Prints one JSON line: {"tool":...,"ports":{"9100":"temporary"|"existing"|"failed"}}
TOKEN=$1
SECS=$2
shift 2
case $TOKEN in *[!A-Za-z0-9_-]*|'') echo '{"error":"bad token"}'; exit 2 ;; esac
FLAG=/tmp/ghw-listen-$TOKEN
: >"$FLAG"

listening() { # port → 0 when a LISTEN socket (state 0A) exists on it
  hex=$(printf '%04X' "$1")
  awk -v h=":$hex" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == h { found = 1 } END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

TOOL=none
if command -v python3 >/dev/null 2>&1; then TOOL=python3
elif command -v busybox >/dev/null 2>&1 && busybox nc --help 2>&1 | grep -q -- '-l'; then TOOL=busybox
elif command -v socat >/dev/null 2>&1; then TOOL=socat
fi

start() { # port
  case $TOOL in
    python3)
      # shellcheck disable=SC2016
      nohup python3 -c '
import os, socket, sys, time
port, flag, deadline = int(sys.argv[1]), sys.argv[2], time.time() + float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port)); s.listen(16); s.settimeout(0.2)
while time.time() < deadline and os.path.exists(flag):
    try:
        c, _ = s.accept(); c.close()
    except socket.timeout:
        pass
' "$1" "$FLAG" "$SECS" >/dev/null 2>&1 </dev/null &
      ;;
    busybox | socat)
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
      ;;
  esac
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
while [ $i -lt 30 ]; do
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
