# Gonka Host Wizard host probe.
# Sent on stdin to `sh -s -- key=value ...`; prints ONE JSON object with the raw output of every
# command it ran, so that all parsing and every rule live in the app (tested on real captures).
# Read-only: the only thing it writes is a scratch directory it removes on exit, and (for the HF cache
# check) a zero-byte file it deletes at once. It never prompts: sudo is only ever used with -n.
# POSIX sh: hosts may have dash or busybox sh, and no bash.

ROLE=network
DEPLOY_DIR=
HF_DIR=
GPU_IMAGE=nvidia/cuda:12.6.0-base-ubuntu22.04
for arg in "$@"; do
  case $arg in
    role=*) ROLE=${arg#role=} ;;
    deploy=*) DEPLOY_DIR=${arg#deploy=} ;;
    hf=*) HF_DIR=${arg#hf=} ;;
    gpuimage=*) GPU_IMAGE=${arg#gpuimage=} ;;
  esac
done
[ -n "$DEPLOY_DIR" ] || DEPLOY_DIR="${HOME:-/root}/gonka"
[ -n "$HF_DIR" ] || HF_DIR=${HF_HOME:-/mnt/shared}

export LC_ALL=C
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
T=$(mktemp -d 2>/dev/null || echo "/tmp/ghw-probe.$$")
mkdir -p "$T" && chmod 700 "$T"
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP

TO=$(command -v timeout 2>/dev/null)

# JSON string of stdin: control characters dropped (terminal colours), backslash/quote/tab escaped,
# lines joined with \n. Character by character with string concatenation so it behaves the same in
# mawk, gawk and busybox awk (their gsub escaping rules differ).
json_str() {
  tr -d '\000-\010\013-\037' | awk '
    BEGIN { printf "\"" }
    {
      if (NR > 1) printf "\\n"
      line = $0; out = ""
      for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (c == "\\") out = out "\\\\"
        else if (c == "\"") out = out "\\\""
        else if (c == "\t") out = out "\\t"
        else out = out c
      }
      printf "%s", out
    }
    END { printf "\"" }'
}

SEP=
# emit NAME RC: adds "NAME":{"rc":RC,"out":...,"err":...} from the scratch files.
emit() {
  printf '%s"%s":{"rc":%s,"out":' "$SEP" "$1" "$2"
  json_str <"$T/out"
  printf ',"err":'
  head -c 4000 "$T/err" | json_str
  printf '}'
  SEP=,
}

# run NAME CMD...: runs CMD with a time limit, no stdin, and emits its output. 127 = not installed.
run() {
  name=$1
  shift
  if [ -n "$TO" ]; then
    "$TO" 25 "$@" >"$T/out" 2>"$T/err" </dev/null
  else
    "$@" >"$T/out" 2>"$T/err" </dev/null
  fi
  emit "$name" $?
}

# text NAME RC VALUE: emits a value the script computed itself.
text() {
  printf '%s\n' "$3" >"$T/out"
  : >"$T/err"
  emit "$1" "$2"
}

# The nearest existing directory at or above $1 (what df must measure before the folder exists).
existing_dir() {
  d=$1
  while [ ! -d "$d" ] && [ "$d" != / ] && [ -n "$d" ]; do d=$(dirname "$d"); done
  [ -n "$d" ] || d=/
  printf '%s' "$d"
}

have() { command -v "$1" >/dev/null 2>&1; }

printf '{"probe":1,"role":'
printf '%s' "$ROLE" | json_str
printf ',"sections":{'

run id id
text user 0 "$(id -un 2>/dev/null)"
run uname uname -sm
run os_release cat /etc/os-release
if have nproc; then run nproc nproc; else run nproc getconf _NPROCESSORS_ONLN; fi
run meminfo cat /proc/meminfo

DEPLOY_AT=$(existing_dir "$DEPLOY_DIR")
text deploy_path 0 "$DEPLOY_DIR"
run df_deploy df -PB1 "$DEPLOY_AT"
run lsblk lsblk -J -b -o NAME,SIZE,ROTA,TYPE,MOUNTPOINT,TRAN

# Docker: is the CLI there, does the daemon answer, and as whom may this user talk to it.
DOCKER=docker
if have docker; then
  run docker_version docker version --format '{{.Client.Version}} {{.Server.Version}}'
  if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && [ "$(id -u)" != 0 ] && have sudo; then
    run docker_sudo sudo -n docker version --format '{{.Server.Version}}'
    if sudo -n docker version >/dev/null 2>&1; then DOCKER="sudo -n docker"; fi
  fi
  run compose_v2 docker compose version
  # shellcheck disable=SC2086 # $DOCKER is "docker" or "sudo -n docker" on purpose
  run docker_ps $DOCKER ps --format '{{.Names}}	{{.Image}}	{{.Ports}}'
else
  text docker_version 127 ''
  text compose_v2 127 ''
  text docker_ps 127 ''
fi
run docker_sock ls -lL /var/run/docker.sock
if have systemctl; then run docker_unit systemctl is-active docker; else text docker_unit 127 ''; fi
if have docker-compose; then run compose_v1 docker-compose version --short; else text compose_v1 127 ''; fi
if have sudo; then run sudo sudo -n true; else text sudo 127 ''; fi
if have git; then run git git --version; else text git 127 ''; fi
if have curl; then run curl curl --version; else text curl 127 ''; fi
if have timedatectl; then run clock timedatectl status; else text clock 127 ''; fi
# Where timedatectl cannot tell (no systemd, as in many containers): chrony's own view, and the host's
# clock itself, which the app compares with its own.
if have chronyc; then run chrony chronyc -n tracking; else text chrony 127 ''; fi
text clock_epoch 0 "$(date +%s)"

# Listening sockets straight from the kernel: always there, no ss/netstat or root needed.
run tcp cat /proc/net/tcp /proc/net/tcp6

# Firewall: read-only listings; root or passwordless sudo only (never prompts).
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO="sudo -n"; fi
if have ufw; then run ufw $SUDO ufw status; else text ufw 127 ''; fi
if have firewall-cmd; then
  run firewalld firewall-cmd --state
  run firewalld_ports $SUDO firewall-cmd --list-ports
else
  text firewalld 127 ''
  text firewalld_ports 127 ''
fi
if have nft; then run nft $SUDO nft list ruleset; else text nft 127 ''; fi
if have iptables; then run iptables $SUDO iptables -S; else text iptables 127 ''; fi

if [ "$ROLE" = ml ] || [ "$ROLE" = combined ]; then
  if have nvidia-smi; then
    run gpu_query nvidia-smi --query-gpu=index,name,memory.total,driver_version,compute_cap --format=csv,noheader,nounits
    run gpu_smi nvidia-smi
  else
    text gpu_query 127 ''
    text gpu_smi 127 ''
  fi
  if have nvidia-ctk; then run nvidia_ctk nvidia-ctk --version; else text nvidia_ctk 127 ''; fi
  if have nvidia-container-cli; then run nvidia_cli nvidia-container-cli --version; else text nvidia_cli 127 ''; fi
  if have nvidia-container-runtime-hook; then text nvidia_hook 0 "$(command -v nvidia-container-runtime-hook)"; else text nvidia_hook 127 ''; fi
  if have docker; then
    run docker_runtimes $DOCKER info --format '{{json .Runtimes}}'
    # Only an image that is already here: a check never downloads gigabytes.
    if $DOCKER image inspect "$GPU_IMAGE" >/dev/null 2>&1; then
      run gpu_run $DOCKER run --rm --gpus all "$GPU_IMAGE" nvidia-smi -L
    else
      text gpu_run 125 "image-absent $GPU_IMAGE"
    fi
  else
    text docker_runtimes 127 ''
    text gpu_run 127 ''
  fi
  HF_AT=$(existing_dir "$HF_DIR")
  text hf_path 0 "$HF_DIR"
  if [ -d "$HF_DIR" ]; then
    # In a subshell: a failed redirection on the special builtin ':' would end dash itself.
    if (: >"$HF_DIR/.ghw-write-test.$$") 2>/dev/null; then
      rm -f "$HF_DIR/.ghw-write-test.$$"
      text hf_write 0 "exists writable"
    else
      text hf_write 1 "exists not-writable"
    fi
  elif [ -w "$HF_AT" ]; then
    text hf_write 0 "missing creatable $HF_AT"
  else
    text hf_write 1 "missing not-creatable $HF_AT"
  fi
  run df_hf df -PB1 "$HF_AT"
fi

printf '}}\n'
