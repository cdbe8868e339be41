#!/bin/sh
# Checks that po/POTFILES.in lists every file with translatable strings, and
# only files that exist.
#
# Usage: check-potfiles.sh [SOURCE_ROOT]
#   SOURCE_ROOT  the project root (default: the parent of this script's directory)
#
# Files that must be listed:
#   src/   C sources and headers that call _(), N_(), C_(), NC_(), Q_(),
#          g_dngettext(), g_dpgettext2() or g_dcgettext(), with or without a
#          space before the parenthesis;
#   ui/, src/   GtkBuilder files (*.ui) with translatable="yes";
#   data/  desktop entries (*.desktop.in), AppStream and other XML templates
#          (*.xml.in), polkit policies (*.policy.in) and GSettings schemas
#          (*.gschema.xml).
# One TAP test per such file ("listed in po/POTFILES.in") and one per line of
# POTFILES.in ("exists"). Output is TAP (meson: protocol: 'tap'); the exit
# status is 1 if any test fails.

set -u

script_dir=$(cd "$(dirname "$0")" && pwd)
root=${1:-$script_dir/..}
if ! root=$(cd "$root" 2>/dev/null && pwd); then
  echo "Bail out! source root '${1:-}' not found"
  exit 1
fi
potfiles=$root/po/POTFILES.in
if [ ! -f "$potfiles" ]; then
  echo "Bail out! $potfiles not found"
  exit 1
fi

LC_ALL=C
export LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-potfiles.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# The entries of POTFILES.in: no comments, no blank lines, no surrounding blanks.
sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$potfiles" \
  | sort -u >"$tmp/listed"

# Files with translatable strings, relative to the root.
{
  cd "$root" || exit 1
  if [ -d src ]; then
    find src -type f \( -name '*.c' -o -name '*.h' \) -print | sort | while IFS= read -r f; do
      if grep -Eq '(^|[^A-Za-z0-9_])(N|C|NC|Q)?_[[:space:]]*\(|(^|[^A-Za-z0-9_])g_(dngettext|dpgettext2|dcgettext)[[:space:]]*\(' "$f"; then
        printf '%s\n' "$f"
      fi
    done
  fi
  for dir in ui src; do
    [ -d "$dir" ] || continue
    find "$dir" -type f -name '*.ui' -print | sort | while IFS= read -r f; do
      if grep -Eq 'translatable="(yes|true|1)"' "$f"; then
        printf '%s\n' "$f"
      fi
    done
  done
  if [ -d data ]; then
    find data -type f \( -name '*.desktop.in' -o -name '*.xml.in' -o -name '*.policy.in' \
      -o -name '*.gschema.xml' \) -print
  fi
} | sort -u >"$tmp/needed"

n=$(( $(wc -l <"$tmp/needed") + $(wc -l <"$tmp/listed") ))
echo "1..$n"

i=0
failed=0
while IFS= read -r f; do
  i=$((i + 1))
  if grep -Fxq -- "$f" "$tmp/listed"; then
    echo "ok $i - $f is listed in po/POTFILES.in"
  else
    echo "not ok $i - $f is listed in po/POTFILES.in"
    echo "# $f has translatable strings but is missing from po/POTFILES.in"
    failed=1
  fi
done <"$tmp/needed"

while IFS= read -r f; do
  i=$((i + 1))
  if [ -f "$root/$f" ]; then
    echo "ok $i - POTFILES.in entry $f exists"
  else
    echo "not ok $i - POTFILES.in entry $f exists"
    echo "# po/POTFILES.in lists $f, which does not exist"
    failed=1
  fi
done <"$tmp/listed"

exit $failed
