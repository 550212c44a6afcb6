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
ANSIBLE_COLLECTIONS_PATH="$work/collections" ansible-galaxy collection install --offline --force -p "$work/collections" "$tarball" >/dev/null
# A filter and a module, resolved from the installed copy only.
cat >"$work/vars.yml" <<'EOT'
users: [{name: A, login: a.b, mail_password_hash: "{SHA512-CRYPT}$6$x$y"}]
EOT
out=$(cd "$work" && ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_HOME="$work/home" \
    ansible localhost -c local -i localhost, -e ansible_python_interpreter="$(command -v python3)" -e @"$work/vars.yml" \
    -m ansible.builtin.debug -a "msg={{ users | inpp.telecom.mail_mailboxes('inpp.cd') | map(attribute='address') | first }}")
grep -q 'a.b@inpp.cd' <<<"$out" || { echo "[check-build] filter from the installed collection failed: $out" >&2; exit 1; }
# A module by FQCN from the installed copy: create a PJSIP section, then prove
# the second run changes nothing.
run_module() {
    (cd "$work" && ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_HOME="$work/home" \
        ansible localhost -c local -i localhost, -e ansible_python_interpreter="$(command -v python3)" -m inpp.telecom.asterisk_config \
        -a "{\"path\": \"$work/pjsip.conf\", \"sections\": [{\"name\": \"1001\", \"type\": \"aor\", \"options\": [{\"max_contacts\": 1}]}]}")
}
first=$(run_module) || { echo "[check-build] asterisk_config from the installed collection failed: $first" >&2; exit 1; }
second=$(run_module) || { echo "[check-build] second asterisk_config run failed: $second" >&2; exit 1; }
grep -q '"changed": true' <<<"$first" || { echo "[check-build] first run did not report a change: $first" >&2; exit 1; }
grep -q '"changed": false' <<<"$second" || { echo "[check-build] second run was not idempotent: $second" >&2; exit 1; }
grep -qx 'type *= *aor' "$work/pjsip.conf" || { echo "[check-build] pjsip.conf lacks the section:" >&2; cat "$work/pjsip.conf" >&2; exit 1; }
echo "[check-build] ok: filter and module resolved from $(basename "$tarball")"
