#!/usr/bin/env bash
# Builds the project's Dockerfile and runs the built image's filesystem, as a
# smoke test, on a machine with no Docker engine and no registry for base
# images. Run from the project root:  scripts/image-smoke.sh
# (a copy of ../shared/tools/image-smoke.sh, so CI on a clean clone has it)
#
# - The base image node:20-bookworm-slim is stood in for by a local one:
#   Debian bookworm (debootstrap, from Debian's packages) + this machine's
#   node and npm + the system CA bundle, tagged with the official name.
# - The image is built with podman (buildah's chroot isolation: containers
#   cannot be started here, but builds run).
# - The smoke run starts the image's CMD inside its filesystem with chroot,
#   as uid 1000 (the image's `node` user), with tmpfs on /tmp and /data,
#   waits for /health, signs in with the demo account and searches mail.
# Exit 0 when all of that works. Needs root. Leaves the images in podman.
set -euo pipefail
PORT=${PORT:-3197}
BASE=docker.io/library/node:20-bookworm-slim
TAG=localhost/agentwire:smoke
need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need podman podman; need debootstrap debootstrap
if ! podman image exists "$BASE"; then
  echo "making the stand-in base image $BASE (about a minute)"
  root=$(mktemp -d)
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
  cp "$(readlink -f "$(command -v node)")" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  mkdir -p "$root/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  chroot "$root" sh -c 'groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/bash node'
  tar -C "$root" -c . | podman import --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' - "$BASE" >/dev/null
  rm -rf "$root"
fi
echo "building $TAG"
podman build --isolation chroot --network host -t "$TAG" . > /tmp/image-smoke-build.log 2>&1 || { tail -30 /tmp/image-smoke-build.log; echo "image build failed (log: /tmp/image-smoke-build.log)"; exit 1; }
mnt=$(podman image mount "$TAG")
cleanup() {
  [ -n "${pid:-}" ] && kill -- "-$pid" 2>/dev/null || true; sleep 1
  for d in tmp data proc dev; do umount "$mnt/$d" 2>/dev/null || true; done
  podman image unmount "$TAG" >/dev/null 2>&1 || true
}
trap cleanup EXIT
mount -t proc proc "$mnt/proc"; mount --bind /dev "$mnt/dev"
mount -t tmpfs -o mode=1777 tmpfs "$mnt/tmp"; mount -t tmpfs -o uid=1000,gid=1000 tmpfs "$mnt/data"
cmd=$(podman image inspect "$TAG" --format '{{range .Config.Cmd}}{{.}} {{end}}')
wd=$(podman image inspect "$TAG" --format '{{.Config.WorkingDir}}')
echo "running '$cmd' in $wd as uid 1000 on port $PORT"
setsid chroot --userspec=1000:1000 "$mnt" /usr/bin/env -i HOME=/home/node PATH=/usr/local/bin:/usr/bin:/bin \
  NODE_ENV=production HOST=127.0.0.1 PORT="$PORT" DATA_DIR=/data sh -c "cd $wd && exec $cmd" > /tmp/image-smoke-run.log 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf "127.0.0.1:$PORT/health" >/dev/null && break; kill -0 "$pid" 2>/dev/null || break; sleep 1; done
curl -sf "127.0.0.1:$PORT/health" >/dev/null || { tail -20 /tmp/image-smoke-run.log; echo "the image's server did not come up (log: /tmp/image-smoke-run.log)"; exit 1; }
tok=$(curl -sf -X POST "127.0.0.1:$PORT/api/auth/login" -H 'content-type: application/json' \
  -d '{"email":"demo@agentwire.local","password":"agentwire-demo"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')
n=$(curl -sf -G "127.0.0.1:$PORT/api/emails" --data-urlencode 'q=budget' -H "authorization: Bearer $tok" | node -pe 'JSON.parse(require("fs").readFileSync(0)).total')
[ "${n:-0}" -gt 0 ] || { echo "signed in, but a mail search found nothing"; exit 1; }
echo "image smoke test passed: /health ok, demo sign-in ok, 'budget' finds $n emails"
