#!/bin/sh
# Runs a command with a keyring of its own: a private D-Bus session bus and a
# gnome-keyring-daemon (the Secret Service) on it, in a temporary HOME that is
# removed afterwards. The user's own keyring and session bus are never touched.
#
# Usage: run-with-keyring.sh COMMAND [ARGUMENT...]
#
# The daemon is unlocked with a non-empty password, which makes it create the
# "login" collection that libsecret's default alias points to (an empty
# password does not). Without dbus-run-session or gnome-keyring-daemon the
# command is not run and a TAP plan that skips everything is printed instead.
# The exit status is the command's.

set -u

if ! command -v dbus-run-session >/dev/null 2>&1 \
    || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "1..0 # SKIP dbus-run-session or gnome-keyring-daemon is not installed"
  exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/raumbuch-keyring.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"
HOME=$tmp/home
XDG_DATA_HOME=$tmp/data
XDG_CONFIG_HOME=$tmp/config
XDG_CACHE_HOME=$tmp/cache
XDG_RUNTIME_DIR=$tmp/runtime
export HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR

dbus-run-session -- sh -c \
  'printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' \
  sh "$@"
