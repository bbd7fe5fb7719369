#!/usr/bin/env bash
# The one list of Debian bookworm packages Inbetween needs to build, run,
# test and benchmark. README and .ci/run both call this script.
#
#   build-aux/deps.sh            install everything (needs root or sudo)
#   build-aux/deps.sh --list     print the package names and exit
set -euo pipefail

BUILD=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-bin
  libgtk-4-dev libadwaita-1-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libcurl4-openssl-dev libjson-glib-dev libsoup-3.0-dev libsecret-1-dev
  libgdk-pixbuf-2.0-dev libjpeg-dev zlib1g-dev
  libimagequant-dev libgif-dev libwebp-dev
  desktop-file-utils appstream-util
)
RUN=(
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-libav
  webp-pixbuf-loader librsvg2-common fonts-cantarell fonts-noto-cjk
  libgtk-4-media-gstreamer
  ca-certificates
)
TEST=(
  xvfb xauth dbus dbus-x11 python3 python3-gi gnome-keyring libsecret-tools
  gstreamer1.0-tools imagemagick
  libxtst6
  librsvg2-bin appstream gir1.2-gdkpixbuf-2.0
  at-spi2-core gir1.2-atspi-2.0 gir1.2-gtk-4.0
  man-db groff-base
  locales
  faketime valgrind
)
BENCH=(
  ffmpeg python3-numpy python3-opencv mate-backgrounds time
  gnome-backgrounds plasma-workspace-wallpapers
)

ALL=("${BUILD[@]}" "${RUN[@]}" "${TEST[@]}" "${BENCH[@]}")

if [[ "${1:-}" == "--list" ]]; then
  printf '%s\n' "${ALL[@]}"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

missing=()
for p in "${ALL[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "deps: all ${#ALL[@]} packages present"
  exit 0
fi
echo "deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
