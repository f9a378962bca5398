#!/usr/bin/env bash
# The lab: real test hosts (OpenSSH, dockerd, compose v2, iptables/ufw) in network namespaces.
#
#   lab.sh up     PREFIX OUT   [env HOSTS=net,ml1,ml2,seed SUDO_MODE=nopasswd|password|none
#                                   CACHE_DIR=… IMAGES=1|0 (0: only lab/busybox:1)]
#   lab.sh down   PREFIX OUT   (also cleans a half-finished start; exits 1 with LEFT: lines)
#   lab.sh status
#   lab.sh start-sshd|start-dockerd PREFIX OUT HOST   (used by faults to restart a daemon)
#
# Facts this follows are in ../shared/reference/test-hosts.md: `ip netns exec` breaks dockerd
# (it remounts /sys), so every host process is started with nsenter into the host's net, mount and
# UTS namespaces; the bridge lives in its own <PREFIX>-sw netns so the machine's FORWARD policy never
# sees bridged frames; each lab takes one /28 of 198.51.100.0/24 chosen under a lock.
set -euo pipefail

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$LAB_DIR/../.." && pwd)"
STANDINS_DIR="${STANDINS_DIR:-$LAB_DIR/standins}"
# Lab state must be visible inside the hosts, whose /tmp is private: a checkout under /tmp keeps
# its labs in /var/tmp instead (lab-control.ts applies the same rule).
if [[ "$REPO_DIR" = /tmp/* ]]; then LAB_ROOT="${LAB_ROOT:-/var/tmp/gonka-lab}"; else LAB_ROOT="${LAB_ROOT:-$REPO_DIR/.lab}"; fi
CACHE_DIR="${CACHE_DIR:-$LAB_ROOT/cache}"
REGISTRY=/run/gonka-lab
TEST_USER=tester
TEST_UID=1500
NODE_BIN="$(command -v node)"

die() {
  echo "lab: $*" >&2
  exit 1
}
log() { echo "lab: $*" >&2; }
# Phase timings in each host's up log: the 10 s budget for `up` is watched with these.
stamp() { [[ "${LAB_TRACE:-0}" != 1 ]] || echo "lab: $(date +%s.%N | cut -c1-14) $*" >&2; }

check_prefix() {
  [[ "$1" =~ ^[a-z][a-z0-9]{0,9}$ ]] || die "prefix '$1' must match ^[a-z][a-z0-9]{0,9}$ (it names links of at most 15 chars)"
}
check_out() {
  [[ "$1" = /* ]] || die "OUT must be an absolute path: $1"
  [[ "$1" =~ ^[A-Za-z0-9/._-]+$ ]] || die "OUT may hold only [A-Za-z0-9/._-]: $1"
  # Each host gets a private /tmp, so an OUT under /tmp would be invisible inside the hosts.
  [[ "$1" != /tmp/* ]] || die "OUT must not be under /tmp (hosts have a private /tmp): $1"
}

host_dir() { echo "$OUT/hosts/$1"; }
ns_exec() { # ns_exec HOST CMD... : run as root inside the host's namespaces
  local h=$1
  shift
  nsenter --net="/run/netns/$PREFIX-$h" --mount="$OUT/hosts/$h/ns/mnt" --uts="$OUT/hosts/$h/ns/uts" -- "$@"
}

# ---------------------------------------------------------------- compose v2 (cached)
ensure_compose() {
  local c="$CACHE_DIR/compose" bin="$CACHE_DIR/compose/docker-compose"
  mkdir -p "$c"
  exec 8>"$c/lock"
  flock 8
  if [[ ! -x "$bin" ]]; then
    log "fetching Docker Compose v2 from Debian trixie (once; cached in $c)"
    local a="$c/apt" mirror
    mirror="$(grep -hoE '^URIs:\s*\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)"
    [[ -n "$mirror" ]] || mirror="$(grep -hoE '^deb\s+(\[[^]]*\]\s+)?\S+' /etc/apt/sources.list 2>/dev/null | awk '{print $NF}' | head -n1 || true)"
    [[ -n "$mirror" ]] || mirror=http://deb.debian.org/debian
    mkdir -p "$a/lists/partial" "$a/archives/partial" "$a/prefs"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$a/sources.list"
    local o=(-o "Dir::Etc::SourceList=$a/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a" -o Dir::Etc::Preferences=/dev/null
      -o "Dir::Etc::PreferencesParts=$a/prefs" -o APT::Sandbox::User=root -qq)
    apt-get "${o[@]}" update >&2
    rm -f "$a"/docker-compose_*.deb
    (cd "$a" && apt-get "${o[@]}" download docker-compose >&2)
    rm -rf "$a/x"
    dpkg-deb -x "$a"/docker-compose_*.deb "$a/x"
    install -m 755 "$a/x/usr/libexec/docker/cli-plugins/docker-compose" "$bin.tmp"
    mv "$bin.tmp" "$bin"
    rm -rf "$a/x" "$a"/*.deb "$a/lists" "$a"/*.bin
  fi
  flock -u 8
  exec 8>&-
}

# ---------------------------------------------------------------- images (cached)
# The stand-in list; a fallback is used until e2e/lab/standins/images.json exists.
images_json() {
  if [[ -f "$STANDINS_DIR/images.json" ]]; then
    cat "$STANDINS_DIR/images.json"
  else
    echo '[{"tag":"ghcr.io/product-science/api:0.2.13","role":"api","hosts":["net"]},
           {"tag":"ghcr.io/gonka-ai/mlnode:3.0.13","role":"mlnode","hosts":["ml1","ml2"]}]'
  fi
}

standins_hash() {
  {
    # Bump when the rootfs recipe in ensure_image_tars changes, so cached tars are rebuilt.
    echo "rootfs recipe 2"
    "$NODE_BIN" --version
    stat -L -c '%n %s %Y' "$NODE_BIN"
    if [[ -d "$STANDINS_DIR" ]]; then
      (cd "$STANDINS_DIR" && find . -type f ! -path './gonka-repo/*' -print0 | sort -z | xargs -0 -r sha256sum)
    fi
  } | sha256sum | cut -c1-16
}

# Builds node.tar (node + its libs + busybox + /app = standins) and busybox.tar into the cache.
ensure_image_tars() {
  local d="$CACHE_DIR/images" h
  mkdir -p "$d"
  exec 7>"$d/lock"
  flock 7
  if [[ ! -f "$d/busybox.tar" ]]; then
    local r="$d/busybox-root"
    rm -rf "$r"
    mkdir -p "$r/bin" "$r/tmp" "$r/etc"
    cp "$(command -v busybox)" "$r/bin/busybox"
    local b
    for b in $("$r/bin/busybox" --list); do [[ "$b" = busybox ]] || ln -sf busybox "$r/bin/$b"; done
    chmod 1777 "$r/tmp"
    tar -C "$r" -cf "$d/busybox.tar.tmp" . && mv "$d/busybox.tar.tmp" "$d/busybox.tar"
    rm -rf "$r"
  fi
  BUSYBOX_TAR="$d/busybox.tar"
  if [[ "${IMAGES:-1}" = 0 ]]; then
    flock -u 7
    exec 7>&-
    return 0
  fi
  h="$(standins_hash)"
  if [[ ! -f "$d/node-$h.tar" ]]; then
    log "building the stand-in image rootfs ($h)"
    local r="$d/node-root" lib
    rm -rf "$r" "$d"/node-*.tar "$CACHE_DIR/docker-templates"
    mkdir -p "$r/usr/local/bin" "$r/bin" "$r/tmp" "$r/etc" "$r/app" "$r/root"
    cp "$NODE_BIN" "$r/usr/local/bin/node"
    for lib in $(ldd "$NODE_BIN" | grep -oE '/[^ ]+'); do cp -L --parents "$lib" "$r/"; done
    cp "$(command -v busybox)" "$r/bin/busybox"
    for b in sh wget cat ls env sleep ps kill nc; do ln -sf busybox "$r/bin/$b"; done
    # The stand-in CLI on PATH, as in the real api and inferenced images (`docker compose exec api
    # inferenced …`); its `#!/usr/bin/env node` shebang needs /usr/bin/env.
    mkdir -p "$r/usr/bin"
    ln -sf /bin/busybox "$r/usr/bin/env"
    ln -sf /app/bin/inferenced "$r/usr/local/bin/inferenced"
    chmod 1777 "$r/tmp"
    if [[ -d "$STANDINS_DIR" ]]; then cp -a "$STANDINS_DIR/." "$r/app/"; fi
    rm -rf "$r/app/gonka-repo"
    tar -C "$r" -cf "$d/node-$h.tar.tmp" . && mv "$d/node-$h.tar.tmp" "$d/node-$h.tar"
    rm -rf "$r"
  fi
  flock -u 7
  exec 7>&-
  NODE_TAR="$d/node-$h.tar"
  NODE_BASE_TAG="lab/standin-node:$h"
}

import_images() { # import_images HOST
  local h=$1 tags roles cid i tag role
  ns_exec "$h" docker import "$BUSYBOX_TAR" lab/busybox:1 >/dev/null
  [[ "${IMAGES:-1}" != 0 ]] || return 0
  mapfile -t tags < <(images_json | jq -r --arg h "$h" '.[] | select((.hosts // []) | index($h)) | .tag')
  mapfile -t roles < <(images_json | jq -r --arg h "$h" '.[] | select((.hosts // []) | index($h)) | .role')
  [[ ${#tags[@]} -gt 0 ]] || return 0
  local need_node=0
  for role in "${roles[@]}"; do [[ "$role" = busybox ]] || need_node=1; done
  if [[ $need_node = 1 ]]; then
    ns_exec "$h" docker import -c 'ENTRYPOINT ["/usr/local/bin/node","/app/server.mjs"]' \
      -c 'WORKDIR /app' "$NODE_TAR" "$NODE_BASE_TAG" >/dev/null
    cid="$(ns_exec "$h" docker create "$NODE_BASE_TAG")"
  fi
  # One import per host; each tag is a commit that only adds STANDIN_ROLE (an import per tag would
  # copy 100 MB each time).
  for i in "${!tags[@]}"; do
    tag="${tags[$i]}"
    role="${roles[$i]}"
    if [[ "$role" = busybox ]]; then
      ns_exec "$h" docker tag lab/busybox:1 "$tag"
    else
      ns_exec "$h" docker commit -c "ENV STANDIN_ROLE=$role" \
        -c 'ENTRYPOINT ["/usr/local/bin/node","/app/server.mjs"]' "$cid" "$tag" >/dev/null
    fi
  done
  if [[ $need_node = 1 ]]; then ns_exec "$h" docker rm "$cid" >/dev/null; fi
}

# ---------------------------------------------------------------- the stand-in gonka repo
make_gonka_repo() {
  local bare="$OUT/gonka.git" work="$OUT/gonka-work"
  rm -rf "$bare" "$work"
  mkdir -p "$work"
  if [[ -d "$STANDINS_DIR/gonka-repo" ]]; then
    cp -a "$STANDINS_DIR/gonka-repo/." "$work/"
  else
    mkdir -p "$work/deploy/join"
    echo "lab placeholder: e2e/lab/standins/gonka-repo is not there yet" >"$work/deploy/join/README.md"
  fi
  git -C "$work" init -q -b main
  git -C "$work" add -A
  git -C "$work" -c user.name=lab -c user.email=lab@lab.invalid commit -q -m "Stand-in for gonka-ai/gonka (lab)"
  git clone -q --bare "$work" "$bare"
  rm -rf "$work"
  # Owned by the test user so its git does not call the repository "dubious".
  chown -R "$TEST_UID:$TEST_UID" "$bare"
}

# ---------------------------------------------------------------- one host
write_host_files() { # write_host_files HOST ADDR
  local h=$1 addr=$2 D
  D="$(host_dir "$h")"
  mkdir -p "$D"/{ns,etc/sudoers.d,home,tmp,log,pid,ulb/upper,ulb/work,ssh,docker/data}
  chmod 1777 "$D/tmp"

  cp /etc/passwd "$D/etc/passwd"
  echo "$TEST_USER:x:$TEST_UID:$TEST_UID:lab tester:/home/$TEST_USER:/bin/bash" >>"$D/etc/passwd"
  if grep -q '^docker:' /etc/group; then
    awk -v u="$TEST_USER" -F: 'BEGIN{OFS=":"} $1=="docker"{ $4 = ($4=="" ? u : $4 "," u) } {print}' /etc/group >"$D/etc/group"
  else
    cp /etc/group "$D/etc/group"
    echo "docker:x:$((TEST_UID + 1)):$TEST_USER" >>"$D/etc/group"
  fi
  echo "$TEST_USER:x:$TEST_UID:" >>"$D/etc/group"
  cp /etc/shadow "$D/etc/shadow"
  echo "$TEST_USER:$PASS_HASH:19000:0:99999:7:::" >>"$D/etc/shadow"
  chmod 640 "$D/etc/shadow"
  chgrp shadow "$D/etc/shadow" 2>/dev/null || true
  cp "$OUT/etc-hosts.template" "$D/etc/hosts"
  printf '127.0.1.1\t%s\n' "$PREFIX-$h" >>"$D/etc/hosts"
  chmod 755 "$D/etc/sudoers.d"
  case "$SUDO_MODE" in
  nopasswd) echo "$TEST_USER ALL=(ALL:ALL) NOPASSWD:ALL" >"$D/etc/sudoers.d/lab-tester" ;;
  password) echo "$TEST_USER ALL=(ALL:ALL) ALL" >"$D/etc/sudoers.d/lab-tester" ;;
  none) ;;
  esac
  [[ ! -f "$D/etc/sudoers.d/lab-tester" ]] || chmod 440 "$D/etc/sudoers.d/lab-tester"
  if [[ -d /etc/ufw ]]; then cp -a /etc/ufw "$D/etc/ufw"; else mkdir -p "$D/etc/ufw"; fi
  if [[ -f /etc/default/ufw ]]; then cp /etc/default/ufw "$D/etc/default-ufw"; else touch "$D/etc/default-ufw"; fi

  local home="$D/home/$TEST_USER"
  mkdir -p "$home/.ssh" "$home/.docker/cli-plugins"
  cp "$OUT/id_ed25519.pub" "$home/.ssh/authorized_keys"
  ln -s "$CACHE_DIR/compose/docker-compose" "$home/.docker/cli-plugins/docker-compose"
  chmod 700 "$home" "$home/.ssh"
  chmod 600 "$home/.ssh/authorized_keys"
  chown -R "$TEST_UID:$TEST_UID" "$home"

  # Fake GPU tools go into this host's /usr/local/bin overlay only, so a no-GPU host stays honest;
  # both look for fixtures/ next to themselves.
  if [[ "$h" = ml* && -d "$STANDINS_DIR/nvidia" ]]; then
    local f
    for f in nvidia-smi nvidia-container-runtime-hook; do
      [[ ! -f "$STANDINS_DIR/nvidia/$f" ]] || install -m 755 "$STANDINS_DIR/nvidia/$f" "$D/ulb/upper/$f"
    done
    if [[ -d "$STANDINS_DIR/nvidia/fixtures" ]]; then
      mkdir -p "$D/ulb/upper/fixtures"
      cp -a "$STANDINS_DIR/nvidia/fixtures/." "$D/ulb/upper/fixtures/"
    fi
  fi

  ssh-keygen -q -t ed25519 -N '' -C "$PREFIX-$h" -f "$D/ssh/ssh_host_ed25519_key"
  cat >"$D/ssh/sshd_config" <<EOF
Port 22
ListenAddress 0.0.0.0
HostKey $D/ssh/ssh_host_ed25519_key
PidFile $D/pid/sshd.pid
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers $TEST_USER
MaxStartups 100:30:200
MaxSessions 100
AllowTcpForwarding yes
Subsystem sftp internal-sftp
LogLevel VERBOSE
EOF

  cat >"$D/docker/daemon.json" <<'EOF'
{
  "bip": "203.0.113.1/26",
  "default-address-pools": [{ "base": "203.0.113.64/26", "size": 28 }],
  "shutdown-timeout": 2
}
EOF

  # Runs inside the new mount namespace: everything a host must not share with the machine.
  cat >"$D/ns-setup.sh" <<EOF
set -eu
hostname $PREFIX-$h
# Other labs' namespace files copied into this mount namespace would keep their namespaces alive.
findmnt -rn -t nsfs -o TARGET | sort -r | while read -r m; do umount -l "\$m" || true; done
for f in passwd group shadow hosts; do mount --bind $D/etc/\$f /etc/\$f; done
mount --bind $D/etc/sudoers.d /etc/sudoers.d
mkdir -p /etc/ufw
mount --bind $D/etc/ufw /etc/ufw
[ ! -e /etc/default/ufw ] || mount --bind $D/etc/default-ufw /etc/default/ufw
mount --bind $D/home /home
mount --bind $D/tmp /tmp
mount -t tmpfs -o mode=755,size=64m tmpfs /run
mkdir -p /run/sshd /run/sudo
chmod 755 /run/sshd
mount -t tmpfs -o mode=755,size=16m tmpfs /var/log
install -m 600 /dev/null /var/log/btmp
install -m 664 -g utmp /dev/null /var/log/wtmp
install -m 664 -g utmp /dev/null /var/log/lastlog
mount -t overlay overlay -o lowerdir=/usr/local/bin,upperdir=$D/ulb/upper,workdir=$D/ulb/work /usr/local/bin
EOF
}

start_sshd() { # start_sshd HOST
  local h=$1 D i
  D="$(host_dir "$h")"
  rm -f "$D/pid/sshd.pid"
  ns_exec "$h" /usr/sbin/sshd -f "$D/ssh/sshd_config" -E "$D/log/sshd.log"
  for i in $(seq 1 100); do
    [[ -s "$D/pid/sshd.pid" ]] && return 0
    sleep 0.05
  done
  die "sshd on $h did not start (see $D/log/sshd.log)"
}

start_dockerd() { # start_dockerd HOST
  launch_dockerd "$1"
  wait_dockerd "$1"
}

launch_dockerd() { # launch_dockerd HOST (returns at once)
  local h=$1 D
  D="$(host_dir "$h")"
  rm -f "$D/pid/dockerd.pid"
  # setsid + closed stdio: the daemon must outlive this script and hold none of its pipes.
  ns_exec "$h" env PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    setsid /usr/sbin/dockerd --config-file "$D/docker/daemon.json" --storage-driver "${STORAGE_DRIVER:-overlay2}" \
    --data-root "$D/docker/data" --exec-root /run/docker --pidfile "$D/pid/dockerd.pid" \
    -H unix:///run/docker.sock --group docker --iptables=true --cgroup-parent "/lab-$PREFIX-$h" \
    </dev/null >>"$D/log/dockerd.log" 2>&1 &
}

wait_dockerd() { # wait_dockerd HOST
  local h=$1 D i pid
  D="$(host_dir "$h")"
  for i in $(seq 1 300); do
    if [[ -s "$D/pid/dockerd.pid" ]]; then
      pid="$(cat "$D/pid/dockerd.pid")"
      # The socket is in the host's private /run; reach it through the daemon's own root.
      if curl -fs --max-time 1 --unix-socket "/proc/$pid/root/run/docker.sock" http://d/_ping >/dev/null 2>&1; then
        return 0
      fi
    fi
    sleep 0.05
  done
  tail -n 20 "$D/log/dockerd.log" >&2 || true
  die "dockerd on $h did not answer within 15 s (see $D/log/dockerd.log)"
}

start_seed_server() {
  local h=$1 D
  D="$(host_dir "$h")"
  [[ -f "$STANDINS_DIR/server.mjs" ]] || {
    log "no $STANDINS_DIR/server.mjs yet: seed serves nothing"
    return 0
  }
  # Run from a copy in OUT: the checkout may sit under /tmp, which the host does not see.
  mkdir -p "$D/seed-app"
  cp -a "$STANDINS_DIR/." "$D/seed-app/"
  rm -rf "$D/seed-app/gonka-repo"
  ns_exec "$h" env STANDIN_ROLE=seed STANDIN_SEED_PORT=8000 \
    setsid "$NODE_BIN" "$D/seed-app/server.mjs" </dev/null >>"$D/log/seed.log" 2>&1 &
  echo $! >"$D/pid/seed.pid"
  local i
  for i in $(seq 1 100); do
    if ns_exec "$h" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8000' 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  tail -n 20 "$D/log/seed.log" >&2 || true
  die "seed stand-in did not listen on 8000 (see $D/log/seed.log)"
}

# A host's imported images, saved once as a copy of dockerd's image store. Importing 100 MB per
# host costs seconds on two busy cores; hard-linking the layer files of a saved store costs
# milliseconds. Layer files are only ever read (overlay2 copies up on write) and dockerd replaces
# its metadata files by rename, so the links are never written through.
template_key() { # template_key HOST
  {
    echo "${NODE_TAR:-none} $BUSYBOX_TAR $DOCKERD_VERSION ${STORAGE_DRIVER:-overlay2} ${IMAGES:-1}"
    images_json | jq -c --arg h "$1" '[.[] | select((.hosts // []) | index($h)) | [.tag, .role]]'
  } | sha256sum | cut -c1-16
}

restore_template() { # restore_template HOST -> 0 when the host's data root was seeded
  local D t
  D="$(host_dir "$1")"
  t="$CACHE_DIR/docker-templates/$(template_key "$1")"
  [[ -d "$t/overlay2" && -d "$t/image" ]] || return 1
  # Hard links need OUT and the cache on one filesystem; otherwise copy (slower, same result).
  cp -al "$t/overlay2" "$D/docker/data/overlay2" 2>/dev/null || {
    rm -rf "$D/docker/data/overlay2"
    cp -a "$t/overlay2" "$D/docker/data/overlay2"
  }
  cp -a "$t/image" "$D/docker/data/image"
}

save_template() { # save_template HOST (after a fresh import, while dockerd is idle)
  local D t
  D="$(host_dir "$1")"
  t="$CACHE_DIR/docker-templates/$(template_key "$1")"
  mkdir -p "$CACHE_DIR/docker-templates"
  (
    flock 6
    [[ ! -d "$t" ]] || exit 0
    rm -rf "$t.tmp"
    mkdir -p "$t.tmp"
    cp -al "$D/docker/data/overlay2" "$t.tmp/overlay2" 2>/dev/null || {
      rm -rf "$t.tmp/overlay2"
      cp -a "$D/docker/data/overlay2" "$t.tmp/overlay2"
    }
    cp -a "$D/docker/data/image" "$t.tmp/image"
    mv "$t.tmp" "$t"
  ) 6>"$t.lock"
}

host_up() { # host_up HOST INDEX
  local h=$1 idx=$2 D addr
  D="$(host_dir "$h")"
  addr="$NET_BASE.$((SLOT * 16 + 2 + idx))"
  local ns="$PREFIX-$h"
  ip netns add "$ns"
  ip link add "h-$h" netns "$PREFIX-sw" type veth peer name eth0 netns "$ns"
  ip -n "$PREFIX-sw" link set "h-$h" master br0 up
  ip -n "$ns" addr add "$addr/28" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up

  stamp "netns"
  write_host_files "$h" "$addr"
  stamp "files"
  mount --bind "$D/ns" "$D/ns"
  mount --make-private "$D/ns"
  touch "$D/ns/mnt" "$D/ns/uts"
  nsenter --net="/run/netns/$ns" unshare --mount="$D/ns/mnt" --uts="$D/ns/uts" --propagation private \
    sh "$D/ns-setup.sh"

  stamp "mount ns"
  local docker=true gpu=false seeded=0
  # dockerd takes longest to start, so it boots while sshd starts.
  if [[ "$h" != seed ]]; then
    if restore_template "$h"; then seeded=1; fi
    launch_dockerd "$h"
  fi
  start_sshd "$h"
  stamp "sshd"
  if [[ "$h" = seed ]]; then
    docker=false
    start_seed_server "$h"
  else
    wait_dockerd "$h"
    stamp "dockerd"
    if [[ $seeded = 0 ]]; then
      import_images "$h"
      save_template "$h"
    fi
    stamp "images (from saved store: $seeded)"
  fi
  [[ "$h" != ml* ]] || gpu=true
  local role=generic
  case "$h" in net) role=network ;; ml*) role=mlnode ;; seed) role=seed ;; esac

  local pub fp
  pub="$(cut -d' ' -f1,2 "$D/ssh/ssh_host_ed25519_key.pub")"
  fp="$(ssh-keygen -l -E sha256 -f "$D/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')"
  jq -n --arg name "$h" --arg netns "$ns" --arg hostname "$PREFIX-$h" --arg address "$addr" \
    --arg user "$TEST_USER" --arg password "$PASSWORD" --arg key "$OUT/id_ed25519" \
    --arg khl "$addr $pub" --arg fp "$fp" --arg role "$role" --argjson gpu "$gpu" --argjson docker "$docker" \
    --arg home "$D/home/$TEST_USER" --arg mnt "$D/ns/mnt" --arg uts "$D/ns/uts" \
    --arg repo "file://$OUT/gonka.git" --arg dir "$D" \
    '{name:$name, netns:$netns, hostname:$hostname, address:$address, port:22, user:$user,
      password:$password, privateKeyPath:$key, knownHostsLine:$khl, hostKeyFingerprint:$fp,
      role:$role, fakeGpu:$gpu, docker:$docker, home:$home, dir:$dir,
      rootExec:["nsenter", ("--net=/run/netns/" + $netns), ("--mount=" + $mnt), ("--uts=" + $uts), "--"],
      gonkaRepoUrl:$repo}' >"$D/host.json"
}

# ---------------------------------------------------------------- slots
take_slot() {
  mkdir -p "$REGISTRY/slots"
  exec 9>"$REGISTRY/lock"
  flock 9
  local n owner
  SLOT=""
  for n in $(seq 0 15); do
    [[ -f "$REGISTRY/slots/$n" ]] || continue
    owner="$(cut -d' ' -f1 "$REGISTRY/slots/$n")"
    if [[ "$owner" = "$PREFIX" ]]; then die "a lab with prefix $PREFIX is already up (slot $n): run down first"; fi
    # A slot whose switch namespace is gone belongs to a lab that died without down.
    ip netns list | awk '{print $1}' | grep -qx "$owner-sw" || rm -f "$REGISTRY/slots/$n"
  done
  for n in $(seq 0 15); do
    if [[ ! -f "$REGISTRY/slots/$n" ]]; then
      SLOT=$n
      echo "$PREFIX $OUT" >"$REGISTRY/slots/$n"
      break
    fi
  done
  [[ -n "$SLOT" ]] || die "all 16 lab slots of 198.51.100.0/24 are taken"
  # The switch netns is the slot's proof of life, so it is made while the lock is held.
  ip netns add "$PREFIX-sw"
  flock -u 9
  exec 9>&-
}

release_slot() {
  [[ -d "$REGISTRY/slots" ]] || return 0
  local f
  for f in "$REGISTRY"/slots/*; do
    [[ -f "$f" ]] || continue
    [[ "$(cut -d' ' -f1 "$f")" != "$PREFIX" ]] || rm -f "$f"
  done
}

# ---------------------------------------------------------------- up
cmd_up() {
  local hosts_csv="${HOSTS:-net,ml1,ml2,seed}" h
  SUDO_MODE="${SUDO_MODE:-nopasswd}"
  [[ "$SUDO_MODE" =~ ^(nopasswd|password|none)$ ]] || die "SUDO_MODE must be nopasswd, password or none"
  IFS=, read -r -a HOST_LIST <<<"$hosts_csv"
  [[ ${#HOST_LIST[@]} -ge 1 && ${#HOST_LIST[@]} -le 13 ]] || die "1 to 13 hosts"
  for h in "${HOST_LIST[@]}"; do [[ "$h" =~ ^[a-z][a-z0-9]{0,5}$ && "$h" != sw && "$h" != gw ]] || die "bad host name '$h'"; done
  [[ $(id -u) = 0 ]] || die "the lab needs root (network and mount namespaces)"
  [[ ! -e "$OUT/lab.env" ]] || die "$OUT already holds a lab: run down first"

  mkdir -p "$OUT"
  take_slot
  NET_BASE=198.51.100
  local base=$((SLOT * 16))
  cat >"$OUT/lab.env" <<EOF
PREFIX=$PREFIX
SLOT=$SLOT
HOSTS=$hosts_csv
EOF
  # The switch: a bridge in its own netns; the root namespace gets only the gateway address.
  ip -n "$PREFIX-sw" link add br0 type bridge
  ip -n "$PREFIX-sw" link set br0 up
  ip link add "$PREFIX-gw" type veth peer name gw netns "$PREFIX-sw"
  ip -n "$PREFIX-sw" link set gw master br0 up
  ip addr add "$NET_BASE.$((base + 1))/28" dev "$PREFIX-gw"
  ip link set "$PREFIX-gw" up

  ssh-keygen -q -t ed25519 -N '' -C "lab-$PREFIX-client" -f "$OUT/id_ed25519"
  PASSWORD="lab-$(openssl rand -hex 8)"
  PASS_HASH="$(openssl passwd -6 "$PASSWORD")"
  {
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
    local i=0
    for h in "${HOST_LIST[@]}"; do
      printf '%s\t%s %s\n' "$NET_BASE.$((base + 2 + i))" "$PREFIX-$h" "$h"
      i=$((i + 1))
    done
  } >"$OUT/etc-hosts.template"

  stamp "switch"
  ensure_compose &
  local cpid=$!
  ensure_image_tars
  DOCKERD_VERSION="$(dockerd --version)"
  make_gonka_repo
  wait "$cpid" || die "could not fetch Docker Compose v2"
  stamp "compose, images, repo"

  mkdir -p "$OUT/hosts"
  local pids=() i=0
  for h in "${HOST_LIST[@]}"; do
    host_up "$h" "$i" >"$OUT/hosts/$h.up.log" 2>&1 &
    pids+=($!)
    i=$((i + 1))
  done
  local failed=0
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      failed=1
      log "host ${HOST_LIST[$i]} failed:"
      cat "$OUT/hosts/${HOST_LIST[$i]}.up.log" >&2 || true
    fi
  done
  [[ $failed = 0 ]] || die "lab $PREFIX did not come up (run: lab.sh down $PREFIX $OUT)"

  : >"$OUT/known_hosts"
  for h in "${HOST_LIST[@]}"; do jq -r .knownHostsLine "$OUT/hosts/$h/host.json" >>"$OUT/known_hosts"; done
  local compose_version
  compose_version="$("$CACHE_DIR/compose/docker-compose" version --short 2>/dev/null || echo unknown)"
  local hosts_files=()
  for h in "${HOST_LIST[@]}"; do hosts_files+=("$OUT/hosts/$h/host.json"); done
  jq -s --arg prefix "$PREFIX" --arg out "$OUT" --arg subnet "$NET_BASE.$base/28" \
    --arg gw "$NET_BASE.$((base + 1))" --arg key "$OUT/id_ed25519" --arg kh "$OUT/known_hosts" \
    --arg compose "$compose_version" --arg sudo "$SUDO_MODE" --arg repo "file://$OUT/gonka.git" \
    --arg cache "$CACHE_DIR" \
    '{prefix:$prefix, out:$out, subnet:$subnet, gateway:$gw, clientKeyPath:$key, knownHostsPath:$kh,
      composeVersion:$compose, sudoMode:$sudo, gonkaRepoUrl:$repo, cacheDir:$cache, hosts:.}' \
    "${hosts_files[@]}" >"$OUT/hosts.json.tmp"
  mv "$OUT/hosts.json.tmp" "$OUT/hosts.json"
  log "lab $PREFIX up: ${HOST_LIST[*]} in $NET_BASE.$base/28; $OUT/hosts.json"
}

# ---------------------------------------------------------------- down
ns_inode() { stat -L -c %i "$1" 2>/dev/null || true; }

# Prints the PIDs in any of the given net/mnt namespace inodes or in the lab's cgroups.
pids_of() { # pids_of "NETINODES" "MNTINODES"
  # One find over /proc instead of a readlink per process: down scans often and must stay fast.
  find /proc/[0-9]*/ns -maxdepth 1 \( -name net -o -name mnt \) -printf '%h %l\n' 2>/dev/null |
    awk -v nets="$1" -v mnts="$2" '
      BEGIN {
        n = split(nets, a, " "); for (i = 1; i <= n; i++) want["net:[" a[i] "]"] = 1
        m = split(mnts, b, " "); for (i = 1; i <= m; i++) want["mnt:[" b[i] "]"] = 1
      }
      ($2 in want) { split($1, p, "/"); print p[3] }' || true
  local c
  for c in /sys/fs/cgroup/*/lab-"$PREFIX"-*; do
    [[ -d "$c" ]] || continue
    find "$c" -name cgroup.procs -exec cat {} + 2>/dev/null || true
  done
}

lab_hosts() { # every host this lab may have, from OUT and from the netns list
  {
    [[ ! -d "$OUT/hosts" ]] || find "$OUT/hosts" -mindepth 1 -maxdepth 1 -type d -printf '%f\n'
    ip netns list | awk '{print $1}' | sed -n "s/^$PREFIX-\([a-z][a-z0-9]*\)\$/\1/p" | grep -vx sw || true
  } | sort -u
}

lab_mounts() { awk -v o="$OUT/" 'index($5, o) == 1 {print $5}' /proc/self/mountinfo | sort -r; }

# The OUT a running lab was started with (from the slot registry), or nothing.
registered_out() {
  local f
  for f in "$REGISTRY"/slots/*; do
    [[ -f "$f" ]] || continue
    if [[ "$(cut -d' ' -f1 "$f")" = "$PREFIX" ]]; then cut -s -d' ' -f2- "$f"; fi
  done
}

cmd_down() {
  [[ $(id -u) = 0 ]] || die "down needs root"
  local reg
  reg="$(registered_out)"
  # `down --prefix P` without --out must still find a lab started with another OUT.
  if [[ ! -e "$OUT/lab.env" && -n "$reg" && "$reg" != "$OUT" ]]; then
    check_out "$reg"
    log "lab $PREFIX was started in $reg: taking that down"
    OUT="$reg"
  fi
  local hosts h nets="" mnts="" self_net self_mnt
  mapfile -t hosts < <(lab_hosts)
  self_net="$(ns_inode /proc/self/ns/net)"
  self_mnt="$(ns_inode /proc/self/ns/mnt)"
  for h in "${hosts[@]}"; do
    local n m
    n="$(ns_inode "/run/netns/$PREFIX-$h")"
    m="$(ns_inode "$OUT/hosts/$h/ns/mnt")"
    # An unmounted ns file stats as the plain file (or as our own namespace): never target ourselves.
    [[ -z "$n" || "$n" = "$self_net" ]] || nets="$nets $n"
    if [[ -n "$m" && "$m" != "$self_mnt" && "$(stat -f -c %T "$OUT/hosts/$h/ns/mnt" 2>/dev/null)" = nsfs ]]; then
      mnts="$mnts $m"
    fi
  done
  local sw
  sw="$(ns_inode "/run/netns/$PREFIX-sw")"
  [[ -z "$sw" || "$sw" = "$self_net" ]] || nets="$nets $sw"

  # The hosts are disposable: nothing in them needs a clean shutdown, and a polite dockerd stop
  # costs seconds per container. KILL everything in the lab's namespaces and cgroups at once.
  local pids deadline=$((SECONDS + 8))
  while :; do
    mapfile -t pids < <(pids_of "$nets" "$mnts" | sort -un | grep -vx "$$" || true)
    [[ ${#pids[@]} -gt 0 ]] || break
    kill -KILL "${pids[@]}" 2>/dev/null || true
    [[ $SECONDS -lt $deadline ]] || break
    sleep 0.05
  done

  local m
  while read -r m; do [[ -z "$m" ]] || umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done < <(lab_mounts)
  for h in "${hosts[@]}"; do ip netns del "$PREFIX-$h" 2>/dev/null || true; done
  ip netns del "$PREFIX-sw" 2>/dev/null || true
  ip link del "$PREFIX-gw" 2>/dev/null || true
  local c
  for c in /sys/fs/cgroup/*/lab-"$PREFIX"-*; do
    [[ ! -d "$c" ]] || find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  release_slot
  [[ "${KEEP_OUT:-0}" = 1 ]] || rm -rf "$OUT"

  # Verify. Deleting a netns removes its veths asynchronously, so links get a short grace period.
  local left=() i
  for i in $(seq 1 40); do
    left=()
    while read -r n; do [[ -z "$n" ]] || left+=("LEFT: netns $n"); done < <(ip netns list | awk '{print $1}' | grep -E "^$PREFIX-[a-z][a-z0-9]*$" || true)
    ! ip link show "$PREFIX-gw" >/dev/null 2>&1 || left+=("LEFT: link $PREFIX-gw")
    while read -r m; do [[ -z "$m" ]] || left+=("LEFT: mount $m"); done < <(lab_mounts)
    for c in /sys/fs/cgroup/*/lab-"$PREFIX"-*; do [[ ! -d "$c" ]] || left+=("LEFT: cgroup $c"); done
    mapfile -t pids < <(pids_of "$nets" "$mnts" | sort -un | grep -vx "$$" || true)
    for p in "${pids[@]}"; do left+=("LEFT: process $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-80)"); done
    [[ ${#left[@]} -gt 0 ]] || break
    sleep 0.1
  done
  if [[ ${#left[@]} -gt 0 ]]; then
    printf '%s\n' "${left[@]}" >&2
    die "lab $PREFIX: down left things behind"
  fi
  log "lab $PREFIX down: nothing left"
}

cmd_status() {
  [[ -d "$REGISTRY/slots" ]] || {
    echo "no labs"
    return 0
  }
  local f any=0
  for f in "$REGISTRY"/slots/*; do
    [[ -f "$f" ]] || continue
    any=1
    local p n
    p="$(cut -d' ' -f1 "$f")"
    n="$(basename "$f")"
    printf 'lab %s slot %s subnet 198.51.100.%s/28 in %s\n' "$p" "$n" "$((n * 16))" "$(cut -s -d' ' -f2- "$f")"
    ip netns list | awk '{print $1}' | grep -E "^$p-[a-z][a-z0-9]*$" | grep -v -- "-sw$" | sed 's/^/  host netns /' || true
  done
  [[ $any = 1 ]] || echo "no labs"
}

cmd=${1:-}
case "$cmd" in
up | down | start-sshd | start-dockerd)
  PREFIX=${2:?prefix}
  OUT=${3:?out dir}
  check_prefix "$PREFIX"
  check_out "$OUT"
  ;;
esac
case "$cmd" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
start-sshd) start_sshd "${4:?host}" ;;
start-dockerd) start_dockerd "${4:?host}" ;;
*) die "usage: lab.sh up|down PREFIX OUT | status | start-sshd|start-dockerd PREFIX OUT HOST" ;;
esac
