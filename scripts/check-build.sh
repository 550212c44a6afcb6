#!/usr/bin/env bash
# Build the collection tarball, install it into an empty collections path and
# call a module from it by FQCN: proves the artifact ops teams install works.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/inpp-build-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$root"
ansible-galaxy collection build --force --output-path "$work/dist" . >/dev/null
tarball=$(ls "$work"/dist/inpp-telecom-*.tar.gz)
echo "[check-build] built $(basename "$tarball") ($(du -h "$tarball" | cut -f1))"
# The tarball must not carry lab or test-only content.
if tar -tzf "$tarball" | grep -qE '^(inventories|molecule|bench|images|scripts|\.venv|build)/'; then
    echo "[check-build] lab/test-only content leaked into the tarball:" >&2
    tar -tzf "$tarball" | grep -E '^(inventories|molecule|bench|images|scripts|\.venv|build)/' | head >&2
    exit 1
fi
ansible-galaxy collection install --offline -p "$work/collections" "$tarball" >/dev/null
# A filter and a module, resolved from the installed copy only.
printf 'users: [{name: A, login: a.b, mail_password_hash: "{SHA512-CRYPT}$6$x$y"}]\n' >"$work/vars.yml"
out=$(cd "$work" && ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_HOME="$work/home" \
    ansible localhost -c local -i localhost, -e @"$work/vars.yml" \
    -m ansible.builtin.debug -a "msg={{ users | inpp.telecom.mail_mailboxes('inpp.cd') | map(attribute='address') | first }}")
grep -q 'a.b@inpp.cd' <<<"$out" || { echo "[check-build] filter from the installed collection failed: $out" >&2; exit 1; }
modules=$(cd "$work" && ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_HOME="$work/home" \
    ansible-doc -l inpp.telecom 2>/dev/null | awk '{print $1}' | tr '\n' ' ')
echo "[check-build] installed collection lists: $modules"
[ -n "$modules" ] || { echo "[check-build] no module found in the installed collection" >&2; exit 1; }
echo "[check-build] ok"
