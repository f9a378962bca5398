#!/usr/bin/env bash
# Installs what the lab (e2e/lab/lab.sh) needs on a fresh Debian 12, as root. Idempotent: packages
# already present are not fetched again, so CI may call it on every run.
set -euo pipefail

[[ $(id -u) = 0 ]] || {
  echo "install-deps: run as root" >&2
  exit 1
}

# command -> Debian package that provides it
declare -A NEED=(
  [sshd]=openssh-server
  [ssh]=openssh-client
  [ssh-keygen]=openssh-client
  [dockerd]=docker.io
  [docker]=docker.io
  [iptables]=iptables
  [ufw]=ufw
  [sudo]=sudo
  [ip]=iproute2
  [busybox]=busybox-static
  [git]=git
  [curl]=curl
  [nsenter]=util-linux
  [unshare]=util-linux
  [findmnt]=util-linux
  [flock]=util-linux
  [jq]=jq
  # the config bundle's age interop test decrypts with the standard tool (and `script` gives it a tty)
  [age]=age
  [script]=bsdutils
  # the Ansible export is run for real against the lab (ansible-playbook, ansible-vault)
  [ansible-playbook]=ansible
  [ansible-vault]=ansible
  [openssl]=openssl
  [dpkg-deb]=dpkg
  [free]=procps
  [killall]=psmisc
)

missing=()
for cmd in "${!NEED[@]}"; do
  PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEED[$cmd]}")
done
# The lab fetches compose v2 with apt from Debian trixie: it needs trixie's signing key.
[[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] || missing+=(debian-archive-keyring)

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: everything the lab needs is installed"
  exit 0
fi
mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "install-deps: installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends keeps docker.io from pulling in extras; ufw stays inactive on the machine
# (the lab enables it only inside a host's own network namespace).
apt-get install -y -qq --no-install-recommends "${packages[@]}"
# Debian starts services it installs where systemd runs; the lab starts its own sshd and dockerd
# per host and needs none on the machine. Nothing here is stopped: that is the machine owner's call.
echo "install-deps: done"
