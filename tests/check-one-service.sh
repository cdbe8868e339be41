#!/bin/sh
# Checks that the app's widgets reach data only through the client service
# (DESIGN.md, "One client service, two implementations"): no file in src/app
# but the application and context wiring may name the sync engine, the API
# client, the store or its mirror, or compose a REST path of the API.
#
# Usage: check-one-service.sh [SOURCE_ROOT]
# One TAP test per C file of src/app. Output is TAP (meson: protocol: 'tap');
# the exit status is 1 if any test fails.

set -u

script_dir=$(cd "$(dirname "$0")" && pwd)
root=${1:-$script_dir/..}
if ! root=$(cd "$root" 2>/dev/null && pwd); then
  echo "Bail out! source root '${1:-}' not found"
  exit 1
fi

# What only the wiring may name: the backends' types and functions, and the API's paths.
pattern='rb_sync_engine|RbSyncEngine|rb_api_client|RbApiClient|rb_store_|RbStore|rb_mirror_|RbServerService|rb_server_service|RbLocalService|rb_local_service|rb-sync-engine\.h|rb-api-client\.h|rb-store\.h|"/api/v1'

files=$(cd "$root" && ls src/app/*.c src/app/*.h 2>/dev/null)
if [ -z "$files" ]; then
  echo "Bail out! no sources in $root/src/app"
  exit 1
fi
n=0
failed=0
echo "1..$(echo "$files" | wc -l)"
for file in $files; do
  n=$((n + 1))
  case "$file" in
    src/app/rb-application.c | src/app/rb-application.h | src/app/rb-context.c | src/app/rb-context.h)
      echo "ok $n - $file may choose the backend"
      continue ;;
  esac
  hits=$(grep -nE "$pattern" "$root/$file" | head -3)
  if [ -z "$hits" ]; then
    echo "ok $n - $file uses the client service only"
  else
    echo "not ok $n - $file names a backend or an API path"
    echo "$hits" | sed 's/^/# /'
    failed=1
  fi
done
exit $failed
