# SPDX-License-Identifier: GPL-2.0-or-later
. /usr/share/epdma-test/lib.sh
check configfs-mounted test -d $EPF_CFS/controllers
ls -la $EPF_CFS/controllers $EPF_CFS/functions
cat /sys/kernel/debug/epdma-vepc/calls
ls -la /sys/class/pci_epc/ /sys/firmware/devicetree/base/
finish
