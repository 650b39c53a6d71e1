#!/usr/bin/env bash
# Installs what the VS Code extension's end-to-end test needs: a real VS Code (code-server
# 4.96.4, the last release that runs on Node 20), playwright-core, and Chromium with the Kerberos
# headers from Debian's packages. Nothing is downloaded but from the npm registry and the
# distribution's packages: code-server's own postinstall step, which fetches from elsewhere, is
# skipped and its steps are done here.
#
#   bash tools/install-code-server.sh [DIR]      (default DIR: .cache/code-server in the repository)
#
# Then:
#   node DIR/node_modules/code-server/out/node/entry.js --auth none \
#        --bind-addr 127.0.0.1:PORT --disable-telemetry --disable-workspace-trust WORKSPACE
#   Chromium: executablePath /usr/bin/chromium, flags --no-sandbox --disable-gpu
#        --disable-background-networking --disable-component-update --disable-sync
#
# Idempotent: a second run with the same DIR only checks (DIR/.installed names what is there).
set -euo pipefail

CODE_SERVER_VERSION=4.96.4
PLAYWRIGHT_VERSION=1.65.1  # the version vscode-extension/package-lock.json holds
NODE_MAJOR=20

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${1:-$REPO/.cache/code-server}
STAMP_TEXT="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION"

die() {
  echo "install-code-server: $*" >&2
  exit 1
}

check_node() {
  command -v node >/dev/null && command -v npm >/dev/null \
    || die "Node.js $NODE_MAJOR and npm are needed (code-server $CODE_SERVER_VERSION runs on Node $NODE_MAJOR)"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge "$NODE_MAJOR" ] \
    || die "Node.js $(node --version) is too old: code-server $CODE_SERVER_VERSION needs Node $NODE_MAJOR"
  [ "$major" -eq "$NODE_MAJOR" ] \
    || echo "install-code-server: warning: Node.js $(node --version); code-server $CODE_SERVER_VERSION is made for Node $NODE_MAJOR" >&2
}

# Debian packages still needed: Chromium, the Kerberos headers (the `kerberos` module of VS Code)
# and a compiler, make and Python for node-gyp.
missing_apt_packages() {
  command -v chromium >/dev/null || [ -n "${HOLEPILOT_CHROMIUM:-}" ] || echo chromium
  [ "$(dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null)" = "install ok installed" ] || echo libkrb5-dev
  local program
  for program in g++ make python3; do
    command -v "$program" >/dev/null || echo "$program"
  done
}

install_system_packages() {
  if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
    command -v chromium >/dev/null || [ -n "${HOLEPILOT_CHROMIUM:-}" ] || die \
      "no apt-get here: install Chromium (set HOLEPILOT_CHROMIUM to its executable if it is not /usr/bin/chromium), the Kerberos development headers (krb5) and a C++ compiler by hand, then run this again"
    echo "install-code-server: no apt-get here; using the Chromium, Kerberos headers and compiler already installed" >&2
    return
  fi
  local missing
  missing=$(missing_apt_packages)
  [ -z "$missing" ] && return
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "these Debian packages are missing and installing them needs root: $(echo $missing)"
    sudo=(sudo)
  fi
  echo "install-code-server: installing Debian packages: $(echo $missing)" >&2
  "${sudo[@]}" apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq $missing >/dev/null
}

# Native modules are built against the local Node's headers; without them node-gyp would
# download headers from outside the registry.
node_headers_dir() {
  local prefix
  prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  [ -f "$prefix/include/node/node_api.h" ] \
    || die "Node's C headers are not in $prefix/include/node (they come with Node's official builds and distribution packages); native modules cannot be built without them"
  echo "$prefix"
}

install_code_server() {
  local cs="$DIR/node_modules/code-server"
  cd "$DIR"
  [ -f package.json ] || echo '{ "private": true }' > package.json
  npm install --no-audit --no-fund --ignore-scripts --save-exact \
    "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
  npm rebuild argon2 >/dev/null
  # VS Code's own modules: its shrinkwrap lists build-only dependencies, some from outside the
  # registry; the runtime modules are installed from the registry and built here.
  cd "$cs/lib/vscode"
  [ ! -f npm-shrinkwrap.json ] || mv npm-shrinkwrap.json npm-shrinkwrap.json.orig
  npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null
  npm rebuild node-pty @vscode/spdlog native-watchdog @parcel/watcher kerberos @vscode/deviceid >/dev/null
  ln -sfn node_modules node_modules.asar
  cd "$DIR"
}

check_node
install_system_packages
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
if [ "$(cat "$DIR/.installed" 2>/dev/null)" != "$STAMP_TEXT" ]; then
  echo "install-code-server: installing $STAMP_TEXT into $DIR (a few minutes)" >&2
  rm -f "$DIR/.installed"
  npm_config_nodedir=$(node_headers_dir)
  export npm_config_nodedir
  install_code_server
  echo "$STAMP_TEXT" > "$DIR/.installed"
fi
# A run of code-server writes a default config into its config folder: keep that one in DIR.
check_home="$DIR/.version-check"
version=$(XDG_CONFIG_HOME="$check_home" XDG_DATA_HOME="$check_home" \
  node "$DIR/node_modules/code-server/out/node/entry.js" --version | grep -m1 -E '^[0-9]+\.[0-9]+' || true)
rm -rf "$check_home"
[ -n "$version" ] || die "code-server in $DIR does not start: remove $DIR and run this again"
echo "code-server $version in $DIR"
