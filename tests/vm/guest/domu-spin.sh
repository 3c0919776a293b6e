# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# A domU keeping its vCPU busy (xen-tcg-crash.sh).
( while :; do :; done ) &
tap_line "SPINNING"
