#!/bin/sh
# deb post-install: device access rules and the group for the branch server box's account.
set -e
install -m 0644 "/opt/Branch Queue Kiosk/resources/linux/70-branch-queue.rules" /etc/udev/rules.d/70-branch-queue.rules
getent group branchqueue >/dev/null || groupadd --system branchqueue
mkdir -p /etc/branch-queue
if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules || true
  udevadm trigger --subsystem-match=tty --subsystem-match=usb --subsystem-match=hidraw || true
fi
