#!/bin/sh
# PID 1 of the lab containers. Newer systemd refuses the legacy cgroup v1
# hierarchy that hybrid hosts hand to containers: with a private cgroup
# namespace and CAP_SYS_ADMIN we can mount a fresh cgroup2 tree instead.
set -e
if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" != "cgroup2fs" ]; then
    umount -R /sys/fs/cgroup 2>/dev/null || umount -l /sys/fs/cgroup 2>/dev/null || true
    mount -t cgroup2 cgroup2 /sys/fs/cgroup
fi
exec /lib/systemd/systemd
