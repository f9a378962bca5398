# Gonka Host Wizard: TCP reachability from this host. Usage: sh -s -- TIMEOUT HOST:PORT...
# Prints one JSON line per target: {"target":"h:p","outcome":"open|refused|timeout|unreachable|error|notool"}
# Refused (a TCP reset) and timeout are told apart: the caller knows whether something listened.
T=$1
shift
probe() { # host port
  if command -v python3 >/dev/null 2>&1; then
    python3 -c '
import errno, socket, sys
h, p, t = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
try:
    socket.create_connection((h, p), timeout=t).close(); print("open")
except socket.timeout:
    print("timeout")
except ConnectionRefusedError:
    print("refused")
except OSError as e:
    print("unreachable" if e.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EACCES, errno.EPERM) else "error")
' "$1" "$2" "$T" 2>/dev/null || echo error
  elif command -v bash >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1; then
    err=$(timeout "$T" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>&1)
    rc=$?
    if [ $rc = 0 ]; then echo open
    elif [ $rc = 124 ]; then echo timeout
    else case $err in *refused*) echo refused ;; *unreachable*|*"No route"*) echo unreachable ;; *) echo error ;; esac
    fi
  else
    echo notool
  fi
}
for target in "$@"; do
  (
    h=${target%:*}
    p=${target##*:}
    printf '{"target":"%s","outcome":"%s"}\n' "$target" "$(probe "$h" "$p")"
  ) &
done
wait
