# Gonka Host Wizard: TCP reachability from this host. Usage: sh -s -- TIMEOUT HOST:PORT...
# Prints one JSON line per target: {"target":"h:p","outcome":"open|refused|timeout|unreachable|error|notool"}
# Refused (a TCP reset) and timeout are told apart: the caller knows whether something listened.
T=$1
shift
if command -v python3 >/dev/null 2>&1; then
  # One process, one thread per target: all connects at once, without a Python start-up each.
  # shellcheck disable=SC2016
  python3 -c '
import errno, json, socket, sys, threading
timeout, targets, out = float(sys.argv[1]), sys.argv[2:], {}
def probe(target):
    host, _, port = target.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
        out[target] = "open"
    except socket.timeout:
        out[target] = "timeout"
    except ConnectionRefusedError:
        out[target] = "refused"
    except OSError as e:
        out[target] = "unreachable" if e.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EACCES, errno.EPERM) else "error"
    except ValueError:
        out[target] = "error"
threads = [threading.Thread(target=probe, args=(t,)) for t in targets]
for t in threads:
    t.start()
for t in threads:
    t.join()
for t in targets:
    print(json.dumps({"target": t, "outcome": out.get(t, "error")}, separators=(",", ":")))
' "$T" "$@" </dev/null && exit 0
fi
probe() { # host port
  if command -v bash >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1; then
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
