# SPDX-License-Identifier: GPL-2.0-or-later
# epdmad on the real endpoint kernel, driven by the kernel's own uevents, in a
# boot whose init loads no endpoint module: the daemon starts first, finds no
# controller, then converges when the EPF drivers and the controller module
# are loaded (module and pci_epc "add" uevents on its NETLINK_KOBJECT_UEVENT
# socket; the back-off is set to an hour so that only a uevent can do it).
# SIGHUP reloads the config (a value changed before the controller came lands
# in configfs; a transport value changed after is written in place; a linked
# DMA value is refused, not forced), and SIGTERM stops the daemon leaving the
# functions linked and started and the transport loaded.
. /usr/share/epdma-test/lib.sh
. /usr/share/epdma-test/scenarios/epdmactl-lib.inc

EPDMAD=/usr/sbin/epdmad
STATUS=/run/epdma/status.json
[ -x "$EPDMAD" ] || { fail epdmad "no epdmad in the initramfs (EPDMA_EPDMAD unset)"; finish; }

dconf() { # dconf WR_CHANS TRANSPORT_MTU
	conf 0x60 "[dma]" "wr_chans = $1" "[transport]" "module = ntb_transport" \
		"max_num_clients = 2" "transport_mtu = $2" "clients = ntb_netdev"
}
# jstate KEY: a top-level "KEY": value of the daemon's status file.
jstate() {
	grep -m 1 "^  \"$1\":" "$STATUS" 2>/dev/null |
		sed -e 's/^[^:]*: *//' -e 's/,$//' -e 's/^"\(.*\)"$/\1/'
}
# wait_until NAME SECONDS CMD...: CMD holds within SECONDS (polled every 0.2 s).
wait_until() {
	_n=$1 _s=$2; shift 2
	_i=0
	while [ "$_i" -lt $((_s * 5)) ]; do
		if "$@" >/dev/null 2>&1; then pass "$_n"; return 0; fi
		sleep 0.2
		_i=$((_i + 1))
	done
	fail "$_n" "'$*' did not hold within ${_s}s (state $(jstate state): $(jstate error))"
	return 1
}
state_is() { [ "$(jstate state)" = "$1" ]; }
reconciles_above() { [ "$(jstate reconciles)" -gt "$1" ] 2>/dev/null; }
counter() { sed -n "s/^    \"$1\": \([0-9]*\).*/\1/p" "$STATUS"; }
# exited PID: the child is gone or a zombie (kill -0 still reaches a zombie).
exited() { ! grep -q '^State:[^Z]*$' "/proc/$1/status" 2>/dev/null; }

# The boot has no controller and no EPF driver (guest/init skips them for
# this suite); unload them if another suite's init loaded them.
for m in pci_epf_dma pci_epf_vntb epdma_vepc; do
	[ ! -d /sys/module/$m ] || rmmod $m
done
check "no controller at start" test ! -e /sys/class/pci_epc/$EPC_NAME
check "no EPF driver at start" test ! -d /sys/module/pci_epf_vntb

dconf 2 0x8000
rm -f "$STATUS"
"$EPDMAD" --foreground -v --retry-delay 3600000 >/tmp/epdmad.log 2>&1 &
pid=$!
wait_until "first reconcile: no controller yet" 20 sh -c \
	"grep -Eq '\"state\": \"(failed|waiting)\"' $STATUS"
check_eq "no controller: waiting" "$(jstate state)" waiting
check_eq "no controller: the step" "$(jstate failed_step)" controller
check_eq "no controller: the retry is an hour away" "$(jstate retry_in_ms)" 3600000
check_eq "nothing made without a controller" "$(ls "$F" 2>/dev/null)" ""
check "the daemon runs" kill -0 "$pid"

# A value changed before the controller came: SIGHUP, then it lands in configfs.
n=$(counter reconciles)
dconf 1 0x8000
kill -HUP "$pid"
wait_until "SIGHUP reconciles" 20 sh -c "[ \$(sed -n 's/^    \"reconciles\": \([0-9]*\).*/\1/p' $STATUS) -gt $n ]"

# The EPF drivers first: their module "add" uevents trigger a reconcile (still
# no controller), then the controller's pci_epc "add".
t=$(counter triggers)
check "load pci_epf_vntb" modprobe pci_epf_vntb
check "load pci_epf_dma" modprobe pci_epf_dma
wait_until "module uevents trigger the daemon" 20 sh -c \
	"[ \$(sed -n 's/^    \"triggers\": \([0-9]*\).*/\1/p' $STATUS) -ge $((t + 2)) ]"
check "not converged without a controller" sh -c "! grep -q '\"state\": \"converged\"' $STATUS"
klog_mark
check "load the controller" modprobe epdma_vepc
wait_until "converged from the controller's uevent" 60 state_is converged
check_eq "no kernel error while converging" "$(klog_since 3)" ""
check_eq "status.json: role" "$(jstate role)" endpoint
check_eq "status.json: controller" "$(jstate controller)" "$EPC_NAME"
check_eq "status.json: no error" "$(jstate error)" null
check "status.json: vntb0 is PF0" sh -c "grep -A2 '\"name\": \"vntb0\"' $STATUS | grep -q '\"pf\": 0'"
check "status.json: dma0 is PF1" sh -c "grep -A2 '\"name\": \"dma0\"' $STATUS | grep -q '\"pf\": 1'"
check "status.json: uevents counted" sh -c "[ $(counter uevents) -gt 0 ]"
check "vntb0 linked" test -L "$C/vntb0"
check "dma0 linked" test -L "$C/dma0"
check_eq "started" "$(cat "$C/start")" 1
V=$(driver_subgroup "$F/pci_epf_vntb/vntb0" pci_epf_vntb)
D=$(driver_subgroup "$F/pci_epf_dma/dma0" pci_epf_dma)
check_num "vbus_number" "$(cat "$V/vbus_number")" 0x60
check_num "wr_chans from the reloaded config" "$(cat "$D/wr_chans")" 1
check "vNTB virtual bus 60" test -e /sys/class/pci_bus/0000:60
check_eq "the transport" "$(cat /sys/module/ntb_transport/parameters/max_num_clients 2>/dev/null)" 2
check "its client" test -d /sys/module/ntb_netdev
ctl 0 "epdmactl status --json beside the daemon" status --json
out_has "epdmactl status: in sync" '"in_sync": true'
out_has "epdmactl status: the daemon converged" '"state": "converged"'

# A transport value changed after convergence: written in place on SIGHUP.
n=$(counter reconciles)
dconf 1 0x4000
kill -HUP "$pid"
wait_until "SIGHUP: reconciled again" 20 sh -c \
	"[ \$(sed -n 's/^    \"reconciles\": \([0-9]*\).*/\1/p' $STATUS) -gt $n ] && grep -q '\"state\": \"converged\"' $STATUS"
check_eq "SIGHUP: transport_mtu written" "$(cat /sys/module/ntb_transport/parameters/transport_mtu)" 16384
# A linked DMA value: the daemon never forces; it waits and says why.
n=$(counter reconciles)
dconf 2 0x4000
kill -HUP "$pid"
wait_until "SIGHUP: a linked DMA change waits" 20 state_is waiting
check "SIGHUP: the refusal says why" sh -c "grep '\"error\":' $STATUS | grep -q 'the function is linked'"
check_num "SIGHUP: wr_chans kept" "$(cat "$D/wr_chans")" 1
check_eq "SIGHUP: still started" "$(cat "$C/start")" 1
dconf 1 0x4000
kill -HUP "$pid"
wait_until "SIGHUP: back to the running config" 20 state_is converged

# SIGTERM: the daemon goes, the link stays.
calls=$(wc -l <"$CALLS")
kill -TERM "$pid"
wait_until "SIGTERM stops the daemon" 20 exited "$pid"
wait "$pid"
check_eq "SIGTERM: exit status 0" "$?" 0
check_eq "SIGTERM: status.json says stopped" "$(jstate state)" stopped
check_eq "SIGTERM: still started" "$(cat "$C/start")" 1
check "SIGTERM: vntb0 still linked" test -L "$C/vntb0"
check "SIGTERM: dma0 still linked" test -L "$C/dma0"
check "SIGTERM: the transport stays" test -d /sys/module/ntb_transport
check_eq "SIGTERM: nothing asked of the controller" "$(tail -n +$((calls + 1)) "$CALLS")" ""
check "the daemon logged the uevents" grep -q "uevent add .*pci_epc" /tmp/epdmad.log
sed 's/^/epdmad: /' /tmp/epdmad.log | tail -n 40 >/dev/console

ctl 0 "teardown --force" teardown --force
no_functions "after teardown"
finish
