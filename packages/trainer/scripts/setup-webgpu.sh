#!/usr/bin/env bash
# npm run setup:webgpu — prepares a Debian/Ubuntu machine for the trainer's WebGPU backend
# (Dawn on Vulkan). Idempotent: it installs only what is missing.
#
#   * the Vulkan loader (libvulkan1) whenever it is missing;
#   * on a machine with no GPU driver, Mesa's software Vulkan driver lavapipe, version ≥ 25
#     (Dawn refuses Debian 12's Mesa 22: no shaderUniform*ArrayDynamicIndexing) — from
#     bookworm-backports on Debian 12, from the main suite on newer releases.
#
# Afterwards the driver's ICD file sits where the Vulkan loader looks by default, so the
# trainer finds it with no environment variables. lavapipe is for tests: it is correct but
# slower than wasm, and `--backend auto` never picks it.
set -euo pipefail

log() { printf 'setup:webgpu: %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else log "needs root for: $*"; exit 1; fi; }
installed_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }

if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
  log "not a Debian/Ubuntu machine: install your GPU's Vulkan driver and the Vulkan loader (libvulkan.so.1) yourself"
  exit 0
fi

# A GPU whose vendor driver provides Vulkan (NVIDIA in a container: NVIDIA_DRIVER_CAPABILITIES must
# include "graphics" for the toolkit to mount it; the trainer also looks in /usr/local/nvidia).
hardware=""
for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
  [ -e "$icd" ] && [ -e /dev/nvidiactl ] && hardware="$icd"
done

packages=()
ldconfig -p | grep -q 'libvulkan\.so\.1' || packages+=(libvulkan1)

suite=""
if [ -z "$hardware" ]; then
  mesa="$(installed_version mesa-vulkan-drivers)"
  if [ -z "$mesa" ] || dpkg --compare-versions "$mesa" lt 25; then
    packages+=(mesa-vulkan-drivers)
    . /etc/os-release
    if [ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ]; then
      suite=bookworm-backports
      if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
        log "adding Debian's bookworm-backports suite (Mesa 25)"
        echo 'deb http://deb.debian.org/debian bookworm-backports main' | as_root tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
      fi
    fi
  fi
else
  log "GPU Vulkan driver found: $hardware"
fi

if [ ${#packages[@]} -gt 0 ]; then
  log "installing ${packages[*]}${suite:+ from $suite}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${suite:+-t "$suite"} "${packages[@]}" >/dev/null
fi

if [ -z "$hardware" ]; then
  mesa="$(installed_version mesa-vulkan-drivers)"
  dpkg --compare-versions "$mesa" ge 25 || { log "mesa-vulkan-drivers $mesa is too old for Dawn (need ≥ 25)"; exit 1; }
  log "lavapipe (mesa-vulkan-drivers $mesa) ready"
fi
