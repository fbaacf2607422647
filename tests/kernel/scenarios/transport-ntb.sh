# SPDX-License-Identifier: GPL-2.0-or-later
# The NTB transport on the real endpoint kernel, in a boot of its own (the
# vNTB's NTB device stays on /sys/bus/ntb after unlink): after start the vNTB
# function's NTB device appears on the guest's /sys/bus/ntb, setup loads the
# real ntb_transport with the shared [transport] values and its client
# ntb_netdev, and `status --json` reports the NTB device, the transport's
# queues from debugfs and the interface (down: there is no peer) as the kernel
# shows them; then teardown.
. /usr/share/epdma-test/lib.sh
. /usr/share/epdma-test/scenarios/epdmactl-lib.inc

NTB=/sys/bus/ntb/devices
DBG=/sys/kernel/debug/ntb_transport
# Shared values that differ from ntb_transport's defaults (0, 0, 0x10000), so
# that the parameters read back prove they were passed.
tconf() { # tconf [VNTB-LINES...]: vbus_number ${VBUS:-0x50}
	conf "${VBUS:-0x50}" "$@" "[transport]" "module = ntb_transport" \
		"max_num_clients = 2" "max_mw_size = 512K" "transport_mtu = 0x8000" \
		"clients = ntb_netdev"
}
# jlink KEY: the first "KEY": value inside the "link" object of /tmp/ctl.out
# (json-c's pretty print: one key a line), without quotes and comma.
jlink() {
	sed -n '/"link": {/,$p' /tmp/ctl.out | grep -m 1 "\"$1\":" |
		sed -e 's/^[^:]*: *//' -e 's/,$//' -e 's/^"\(.*\)"$/\1/'
}

check "no transport before setup" test ! -d /sys/module/ntb_transport
check "no client before setup" test ! -d /sys/module/ntb_netdev
check_eq "no NTB device before setup" "$(ls $NTB)" ""

tconf
klog_mark
ctl 0 "setup with the transport" setup
check_eq "no kernel error during setup" "$(klog_since 3)" ""
check_eq "started" "$(cat "$C/start")" 1
# pci-epf-vntb registers the NTB device on its virtual bus (pci_vntb_probe ->
# ntb_register_device, named after the virtual PCI device).
check_eq "the vNTB's NTB device" "$(ls $NTB)" "0000:50:00.0"
dev=$NTB/0000:50:00.0
check_eq "NTB device sits on the virtual PCI device" \
	"$(basename "$(readlink -f "$dev/..")")" "0000:50:00.0"
check_eq "ntb_transport bound the NTB device" \
	"$(basename "$(readlink "$dev/driver")")" "ntb_transport"
check_eq "max_num_clients" "$(cat /sys/module/ntb_transport/parameters/max_num_clients)" 2
check_eq "max_mw_size" "$(cat /sys/module/ntb_transport/parameters/max_mw_size)" 524288
check_eq "transport_mtu" "$(cat /sys/module/ntb_transport/parameters/transport_mtu)" 32768
check "ntb_netdev loaded" test -d /sys/module/ntb_netdev
check "modprobe.d snippet" grep -qx \
	"options ntb_transport max_num_clients=2 max_mw_size=524288 transport_mtu=32768" \
	/run/modprobe.d/epdma.conf
# max_num_clients 2 < ilog2(db_valid_mask 0xf) = 3: two queues (ntb_transport.c:1355-1365).
check_eq "two transport queues in debugfs" "$(ls "$DBG/0000:50:00.0" | tr '\n' ' ')" "qp0 qp1 "
# A queue whose link is down has an empty stats file (ntb_transport.c:475):
# "QP Link - Down" is never printed; status counts the file, not its text.
check_eq "queue 0 stats empty while its link is down" "$(wc -c <"$DBG/0000:50:00.0/qp0/stats")" 0
# ntb_netdev's interface is a child of the transport's client device.
ifname=$(ls "$dev/ntb_netdev0/net" 2>/dev/null)
check "ntb_netdev made an interface" test -n "$ifname"
check "the interface is in /sys/class/net" test -e "/sys/class/net/$ifname"
check_eq "the interface is down" "$(cat "/sys/class/net/$ifname/operstate")" down
mtu=$(cat "/sys/class/net/$ifname/mtu")

ctl 0 "status --json" status --json
check_eq "status: NTB device" "$(jlink ntb_device)" "0000:50:00.0"
check_eq "status: its PCI device" "$(jlink pci_device)" "0000:50:00.0"
check_eq "status: queues" "$(jlink queues)" 2
check_eq "status: queues up" "$(jlink queues_up)" 0
check_eq "status: link down" "$(jlink up)" false
check_eq "status: summary" "$(jlink summary)" "down: 0 of 2 queues up"
check_eq "status: interface" "$(jlink name)" "$ifname"
check_eq "status: operstate" "$(jlink operstate)" down
check_eq "status: carrier" "$(jlink carrier)" false
check_eq "status: mtu as the kernel shows it" "$(jlink mtu)" "$mtu"
ctl 0 "status (text)" status
out_has "status text: link" "link: down: 0 of 2 queues up"
out_has "status text: NTB device" "NTB device 0000:50:00.0 on 0000:50:00.0, 0 of 2 transport queues up"

# Administratively up (the flags attribute, as no AF_INET socket exists here):
# ntb_netdev_open() asks the transport for the link; no peer, no carrier.
flags=$(cat "/sys/class/net/$ifname/flags")
check "interface up" sh -c "echo $(printf '0x%x' $((flags | 1))) >/sys/class/net/$ifname/flags"
check_eq "up: carrier off (no peer)" "$(cat "/sys/class/net/$ifname/carrier")" 0
ctl 0 "status --json with the interface up" status --json
check_eq "up: status operstate" "$(jlink operstate)" "$(cat "/sys/class/net/$ifname/operstate")"
check_eq "up: status carrier" "$(jlink carrier)" false
check_eq "up: still no queue up" "$(jlink queues_up)" 0
ctl 1 "--wait-link gives up without a peer" status --wait-link 1
check "interface down" sh -c "echo $flags >/sys/class/net/$ifname/flags"

# A re-run with the same values changes nothing; another writable value is
# written in place (ntb_transport's parameters are 0644).
ctl 0 "re-run" setup --json
check "re-run runs no operation" sh -c "tr -d ' \\n' </tmp/ctl.out | grep -q '\"operations\":\[\]'"
tconf
sed -i 's/^transport_mtu = 0x8000$/transport_mtu = 0x4000/' /etc/epdma.conf
ctl 0 "changed transport_mtu" setup
check_eq "transport_mtu written in place" \
	"$(cat /sys/module/ntb_transport/parameters/transport_mtu)" 16384
check "modprobe.d follows" grep -q "transport_mtu=16384" /run/modprobe.d/epdma.conf
tconf

# Teardown takes ntb_netdev and ntb_transport off the NTB device before the
# unlink: the device outlives the vNTB function (no .remove in pci-vntb) in
# memory that rmdir frees.
klog_mark
ctl 0 "teardown --force" teardown --force
out_has "teardown removed the client" "transport client: ntb_netdev removed"
out_has "teardown removed the transport" "transport module: ntb_transport removed"
check "ntb_netdev unloaded" test ! -d /sys/module/ntb_netdev
check "ntb_transport unloaded" test ! -d /sys/module/ntb_transport
check "the interface went with it" test ! -e "/sys/class/net/$ifname"
no_functions "after teardown"
check_eq "stopped" "$(cat "$C/start")" 0
check_eq "no kernel error during teardown" "$(klog_since 3)" ""
# What 6.12 keeps until reboot: the virtual bus and the NTB device, unbound.
check "the kernel keeps the NTB device" test -e "$NTB/0000:50:00.0"
check "nothing bound to it" test ! -e "$NTB/0000:50:00.0/driver"

# A second vNTB bind in this boot (another bus, other IDs) binds, but the
# transport stays out: it would probe the kept device too.
VBUS=0x51 tconf "vntb_pid = 0x0b0b"
ctl 0 "second vNTB bind" setup
out_has "second bind: why no transport" \
	"WARN ntb device: 0000:51:00.0, and 0000:50:00.0 left from an earlier vNTB bind"
check "second bind: transport not loaded" test ! -d /sys/module/ntb_transport
check "second bind: its NTB device" test -e "$NTB/0000:51:00.0"
ctl 0 "second teardown" teardown --force
no_functions "after the second teardown"
finish
