#!/bin/sh
# deb post-remove: the device rules go with the package; data and settings stay (see docs/install.md).
set -e
if [ "$1" = "remove" ] || [ "$1" = "purge" ]; then
  rm -f /etc/udev/rules.d/70-branch-queue.rules
  command -v udevadm >/dev/null 2>&1 && udevadm control --reload-rules || true
fi
