#!/bin/sh
# Checks that every translation listed in po/LINGUAS is complete and up to date.
#
# Usage: check-po-complete.sh [PO_DIR [SOURCE_ROOT]]
#   PO_DIR       directory with LINGUAS, POTFILES.in and the .po files
#                (default: ../po next to this script)
#   SOURCE_ROOT  directory the POTFILES.in paths are relative to
#                (default: the parent of PO_DIR)
#
# For each language two TAP tests:
#   "<lang>.po complete"            msgfmt --check finds no error, no fuzzy and no
#                                   untranslated message in the .po itself;
#   "<lang>.po up to date"          the .po, merged with a template freshly extracted
#                                   from the sources, still has no fuzzy or
#                                   untranslated message, i.e. no new or changed
#                                   source string lacks a translation.
# Output is TAP (meson: protocol: 'tap'); the exit status is 1 if any test fails.

set -u

script_dir=$(cd "$(dirname "$0")" && pwd)
po_dir=${1:-$script_dir/../po}
if ! po_dir=$(cd "$po_dir" 2>/dev/null && pwd); then
  echo "Bail out! po directory '${1:-}' not found"
  exit 1
fi
src_root=${2:-$po_dir/..}
if ! src_root=$(cd "$src_root" 2>/dev/null && pwd); then
  echo "Bail out! source root '${2:-}' not found"
  exit 1
fi

for tool in msgfmt msgmerge xgettext msgattrib; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "Bail out! $tool not found (install gettext)"
    exit 1
  fi
done

if [ ! -f "$po_dir/LINGUAS" ] || [ ! -f "$po_dir/POTFILES.in" ]; then
  echo "Bail out! $po_dir/LINGUAS or $po_dir/POTFILES.in is missing"
  exit 1
fi

# Messages from the gettext tools must be in English to be parsed.
LC_ALL=C
LANGUAGE=
export LC_ALL LANGUAGE

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-po-complete.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# LINGUAS: languages separated by white space, '#' starts a comment.
langs=$(sed -e 's/#.*//' "$po_dir/LINGUAS" | tr -s ' \t' '\n\n' | sed -e '/^$/d')
n=0
for lang in $langs; do n=$((n + 2)); done
if [ "$n" -eq 0 ]; then
  echo "1..0 # SKIP no languages in LINGUAS"
  exit 0
fi
echo "1..$n"

# A fresh template from the sources, with the keywords and flags of
# meson's i18n.gettext(preset: 'glib') (mesonbuild/modules/i18n.py, PRESET_ARGS;
# note: the pass-through flag is spelled "pass-c-format"). xgettext picks the language by file
# extension (.c, .ui, .desktop.in) or, for XML files, by the ITS rules
# installed with gettext and GLib/GTK (metainfo, gschema, GtkBuilder).
pot=$tmp/template.pot
pot_ok=true
if ! (cd "$src_root" && xgettext --output="$pot" --files-from="$po_dir/POTFILES.in" \
      --directory="$src_root" --force-po --from-code=UTF-8 --add-comments \
      --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
      --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
      --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
      --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
      --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
      --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
      --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
      --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
      --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format) >"$tmp/xgettext.log" 2>&1; then
  pot_ok=false
fi

# Prints the statistics line of msgfmt and returns msgfmt's status.
stats () {
  msgfmt --check --statistics -o /dev/null "$1" >"$tmp/msgfmt.log" 2>&1
  status=$?
  grep -E 'translated message|fuzzy translation|untranslated message' "$tmp/msgfmt.log" | tail -n 1
  return $status
}

# Prints the msgids of fuzzy and untranslated messages of a .po as TAP comments.
list_incomplete () {
  for kind in fuzzy untranslated; do
    case $kind in
      fuzzy) opt=--only-fuzzy ;;
      *) opt=--untranslated ;;
    esac
    msgattrib $opt --no-obsolete --no-wrap "$1" 2>/dev/null \
      | sed -n -e '/^msgid ""$/d' -e "s/^\(msgctxt\|msgid\) /#   $kind: \1 /p"
  done
}

# Checks a statistics line: only "N translated messages." is complete.
is_complete () {
  case $1 in
    *fuzzy*|*untranslated*) return 1 ;;
    *"translated message"*) return 0 ;;
    *) return 1 ;;
  esac
}

i=0
failed=0
for lang in $langs; do
  po=$po_dir/$lang.po

  # 1. The .po itself.
  i=$((i + 1))
  if [ ! -f "$po" ]; then
    echo "not ok $i - $lang.po complete"
    echo "# $po is missing although LINGUAS lists '$lang'"
    failed=1
  else
    line=$(stats "$po")
    status=$?
    if [ $status -eq 0 ] && is_complete "$line"; then
      echo "ok $i - $lang.po complete"
      echo "# $lang.po: $line"
    else
      echo "not ok $i - $lang.po complete"
      echo "# $lang.po: ${line:-no statistics}"
      [ $status -eq 0 ] || sed -e '/translated message/d' -e 's/^/# /' "$tmp/msgfmt.log"
      list_incomplete "$po"
      failed=1
    fi
  fi

  # 2. The .po against the current sources.
  i=$((i + 1))
  if [ ! -f "$po" ]; then
    echo "not ok $i - $lang.po up to date with the sources"
    echo "# $po is missing"
    failed=1
  elif [ "$pot_ok" != true ]; then
    echo "not ok $i - $lang.po up to date with the sources"
    echo "# xgettext failed on the files in POTFILES.in:"
    sed -e 's/^/# /' "$tmp/xgettext.log"
    failed=1
  elif ! msgmerge --quiet --no-wrap -o "$tmp/$lang.merged.po" "$po" "$pot" >"$tmp/msgmerge.log" 2>&1; then
    echo "not ok $i - $lang.po up to date with the sources"
    echo "# msgmerge failed:"
    sed -e 's/^/# /' "$tmp/msgmerge.log"
    failed=1
  else
    line=$(stats "$tmp/$lang.merged.po")
    status=$?
    if [ $status -eq 0 ] && is_complete "$line"; then
      echo "ok $i - $lang.po up to date with the sources"
    else
      echo "not ok $i - $lang.po up to date with the sources"
      echo "# merged with a template from the current sources: ${line:-no statistics}"
      [ $status -eq 0 ] || sed -e '/translated message/d' -e 's/^/# /' "$tmp/msgfmt.log"
      echo "# New or changed source strings without a translation (update with"
      echo "# 'ninja -C <builddir> raumbuch-update-po' and translate them):"
      list_incomplete "$tmp/$lang.merged.po"
      failed=1
    fi
  fi
done

exit $failed
