// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The uevent parser (lib/uevent.c) on what the kernel sends and on what it
 * never does: truncated, oversized, unterminated, udevd's libudev format,
 * records without a key; the sender check; which events trigger a reconcile.
 * Every message sits in a buffer of exactly its length, so a read past it is
 * an ASan report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

/* A late-probed R-Car S4 controller, as kobject_uevent_env() sends it. */
static const char epc_add[] =
	"add@/devices/platform/soc/e65d0000.pcie-ep/pci_epc/e65d0000.pcie-ep\0"
	"ACTION=add\0"
	"DEVPATH=/devices/platform/soc/e65d0000.pcie-ep/pci_epc/"
	"e65d0000.pcie-ep\0"
	"SUBSYSTEM=pci_epc\0"
	"SEQNUM=4711\0";

static const char pci_add[] = "add@/devices/pci0000:00/0000:00:1c.0/0000:01:00.1\0"
			      "ACTION=add\0"
			      "DEVPATH=/devices/pci0000:00/0000:00:1c.0/0000:01:00.1\0"
			      "SUBSYSTEM=pci\0"
			      "DRIVER=dw-edma-pcie\0"
			      "PCI_CLASS=80100\0"
			      "PCI_ID=1912:0031\0"
			      "PCI_SUBSYS_ID=1912:0031\0"
			      "PCI_SLOT_NAME=0000:01:00.1\0"
			      "MODALIAS=pci:v00001912d00000031sv00001912sd00000031bc08sc01i00\0"
			      "SEQNUM=12\0";

/* Parse LEN bytes of MSG from a heap copy of exactly that size. */
static int parse(const char *msg, size_t len, struct epdma_uevent *ev)
{
	char *copy = malloc(len ? len : 1);
	int r;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, msg, len);
	r = epdma_uevent_parse(copy, len, ev);
	free(copy);
	return r;
}

#define PARSE(lit, ev) parse(lit, sizeof(lit) - 1, ev)

START_TEST(kernel_controller_add)
{
	struct epdma_uevent ev;

	ck_assert_int_eq(PARSE(epc_add, &ev), 0);
	ck_assert_str_eq(ev.action, "add");
	ck_assert_str_eq(ev.devpath,
			 "/devices/platform/soc/e65d0000.pcie-ep/pci_epc/e65d0000.pcie-ep");
	ck_assert_str_eq(ev.subsystem, "pci_epc");
	ck_assert_str_eq(ev.driver, "");
	ck_assert_uint_eq(ev.seqnum, 4711);
	ck_assert_uint_eq(ev.nkeys, 4);
	ck_assert(epdma_uevent_triggers(EPDMA_ROLE_ENDPOINT, &ev));
	ck_assert(epdma_uevent_triggers(EPDMA_ROLE_AUTO, &ev));
	ck_assert(!epdma_uevent_triggers(EPDMA_ROLE_HOST, &ev));
}
END_TEST

START_TEST(kernel_pci_keys)
{
	struct epdma_uevent ev;

	ck_assert_int_eq(PARSE(pci_add, &ev), 0);
	ck_assert_str_eq(ev.subsystem, "pci");
	ck_assert_str_eq(ev.driver, "dw-edma-pcie");
	ck_assert_str_eq(ev.pci_id, "1912:0031");
	ck_assert_str_eq(ev.pci_slot_name, "0000:01:00.1");
	ck_assert_str_eq(ev.modalias, "pci:v00001912d00000031sv00001912sd00000031bc08sc01i00");
	ck_assert_uint_eq(ev.nkeys, 10);
	ck_assert(epdma_uevent_triggers(EPDMA_ROLE_HOST, &ev));
	ck_assert(!epdma_uevent_triggers(EPDMA_ROLE_ENDPOINT, &ev));
}
END_TEST

START_TEST(module_triggers)
{
	static const char vntb[] = "add@/module/pci_epf_vntb\0ACTION=add\0DEVPATH=/module/"
				   "pci_epf_vntb\0SUBSYSTEM=module\0SEQNUM=1\0";
	static const char dma_remove[] =
		"remove@/module/pci_epf_dma\0ACTION=remove\0"
		"DEVPATH=/module/pci_epf_dma\0SUBSYSTEM=module\0SEQNUM=2\0";
	static const char other[] = "add@/module/pci_epf_test\0ACTION=add\0DEVPATH=/module/"
				    "pci_epf_test\0SUBSYSTEM=module\0SEQNUM=3\0";
	struct epdma_uevent ev;

	ck_assert_int_eq(PARSE(vntb, &ev), 0);
	ck_assert(epdma_uevent_triggers(EPDMA_ROLE_ENDPOINT, &ev));
	ck_assert_int_eq(PARSE(dma_remove, &ev), 0);
	ck_assert(!epdma_uevent_triggers(EPDMA_ROLE_ENDPOINT, &ev));
	ck_assert_int_eq(PARSE(other, &ev), 0);
	ck_assert(!epdma_uevent_triggers(EPDMA_ROLE_ENDPOINT, &ev));
}
END_TEST

/* Every proper prefix of a good message is refused, and never read past. */
START_TEST(truncated_everywhere)
{
	struct epdma_uevent ev;

	for (size_t len = 0; len < sizeof(epc_add) - 1; len++)
		ck_assert_msg(parse(epc_add, len, &ev) < 0, "prefix of %zu bytes parsed", len);
	for (size_t len = 0; len < sizeof(pci_add) - 1; len++)
		ck_assert_msg(parse(pci_add, len, &ev) < 0, "prefix of %zu bytes parsed", len);
}
END_TEST

START_TEST(unterminated)
{
	static const char header_only[] = "add@/devices/x";
	static const char last_record[] = "add@/m/x\0ACTION=add\0DEVPATH=/m/x\0SUBSYSTEM=module\0"
					  "SEQNUM=7";
	struct epdma_uevent ev;

	ck_assert_int_eq(PARSE(header_only, &ev), -EINVAL);
	ck_assert_int_eq(PARSE(last_record, &ev), -EINVAL);
}
END_TEST

START_TEST(oversized)
{
	struct epdma_uevent ev;
	size_t len = EPDMA_UEVENT_MAX + 1;
	char *big = malloc(len), *p;

	/* A message over the limit, whatever it holds. */
	ck_assert_ptr_nonnull(big);
	memset(big, 'A', len);
	memcpy(big, epc_add, sizeof(epc_add) - 1);
	big[len - 1] = '\0';
	ck_assert_int_eq(parse(big, len, &ev), -EMSGSIZE);
	/* A value longer than epdma keeps, in a message of legal size. */
	p = big;
	p += sprintf(p, "add@/m/x") + 1;
	p += sprintf(p, "ACTION=add") + 1;
	p += sprintf(p, "DEVPATH=/m/x") + 1;
	p += sprintf(p, "SUBSYSTEM=module") + 1;
	p += sprintf(p, "SEQNUM=1") + 1;
	memcpy(p, "MODALIAS=", 9);
	memset(p + 9, 'a', sizeof(ev.modalias));
	p += 9 + sizeof(ev.modalias);
	*p++ = '\0';
	ck_assert_int_eq(parse(big, (size_t)(p - big), &ev), -EMSGSIZE);
	/* One byte shorter fits. */
	p[-2] = '\0';
	ck_assert_int_eq(parse(big, (size_t)(p - big) - 1, &ev), 0);
	ck_assert_uint_eq(strlen(ev.modalias), sizeof(ev.modalias) - 1);
	/* A devpath longer than epdma keeps. */
	memset(big, 'd', len);
	memcpy(big, "add@/", 5);
	big[5 + sizeof(ev.devpath)] = '\0';
	ck_assert_int_eq(parse(big, 6 + sizeof(ev.devpath), &ev), -EMSGSIZE);
	free(big);
}
END_TEST

/* udevd's re-broadcast: "libudev\0", magic 0xfeedcafe (network order), header, properties. */
START_TEST(libudev_format)
{
	static const char udev[] = "libudev\0\xfe\xed\xca\xfe\x28\0\0\0\0\0\0\0\0\0\0\0"
				   "ACTION=add\0DEVPATH=/m/x\0SUBSYSTEM=module\0SEQNUM=1\0";
	static const char almost[] = "libudev\0\xfe\xed\xca\xfd";
	struct epdma_uevent ev;

	ck_assert(epdma_uevent_is_libudev(udev, sizeof(udev) - 1));
	ck_assert_int_eq(PARSE(udev, &ev), -EPROTONOSUPPORT);
	/* The name without the magic is just a malformed kernel message. */
	ck_assert(!epdma_uevent_is_libudev(almost, sizeof(almost) - 1));
	ck_assert_int_eq(PARSE(almost, &ev), -EINVAL);
	ck_assert(!epdma_uevent_is_libudev(epc_add, sizeof(epc_add) - 1));
}
END_TEST

static const struct {
	const char *what;
	const char *msg;
	size_t len;
} bad[] = {
#define BAD(what, lit)                     \
	{                                  \
		what, lit, sizeof(lit) - 1 \
	}
	BAD("no records", "add@/m/x\0"),
	BAD("record without '='", "add@/m/x\0ACTION=add\0DEVPATH=/m/x\0SUBSYSTEM=module\0SEQNUM=1\0"
				  "JUNK\0"),
	BAD("record with an empty key", "add@/m/x\0ACTION=add\0DEVPATH=/m/x\0=value\0"
					"SUBSYSTEM=module\0SEQNUM=1\0"),
	BAD("empty record", "add@/m/x\0ACTION=add\0\0DEVPATH=/m/x\0SUBSYSTEM=module\0SEQNUM=1\0"),
	BAD("no SUBSYSTEM", "add@/m/x\0ACTION=add\0DEVPATH=/m/x\0SEQNUM=1\0"),
	BAD("empty SUBSYSTEM", "add@/m/x\0ACTION=add\0DEVPATH=/m/x\0SUBSYSTEM=\0SEQNUM=1\0"),
	BAD("no SEQNUM", "add@/m/x\0ACTION=add\0DEVPATH=/m/x\0SUBSYSTEM=module\0"),
	BAD("SEQNUM not a number", "add@/m/x\0ACTION=add\0DEVPATH=/m/x\0SUBSYSTEM=module\0"
				   "SEQNUM=12a\0"),
	BAD("SEQNUM overflows", "add@/m/x\0ACTION=add\0DEVPATH=/m/x\0SUBSYSTEM=module\0"
				"SEQNUM=99999999999999999999\0"),
	BAD("ACTION disagrees", "add@/m/x\0ACTION=remove\0DEVPATH=/m/x\0SUBSYSTEM=module\0"
				"SEQNUM=1\0"),
	BAD("DEVPATH disagrees", "add@/m/x\0ACTION=add\0DEVPATH=/m/y\0SUBSYSTEM=module\0"
				 "SEQNUM=1\0"),
	BAD("repeated key", "add@/m/x\0ACTION=add\0DEVPATH=/m/x\0SUBSYSTEM=module\0"
			    "SUBSYSTEM=pci_epc\0SEQNUM=1\0"),
	BAD("no '@'", "add/m/x\0ACTION=add\0DEVPATH=/m/x\0SUBSYSTEM=module\0SEQNUM=1\0"),
	BAD("empty action", "@/m/x\0ACTION=\0DEVPATH=/m/x\0SUBSYSTEM=module\0SEQNUM=1\0"),
	BAD("relative devpath", "add@m/x\0ACTION=add\0DEVPATH=m/x\0SUBSYSTEM=module\0SEQNUM=1\0"),
	BAD("NUL first", "\0add@/m/x\0"),
#undef BAD
};

START_TEST(malformed_table)
{
	struct epdma_uevent ev;

	ck_assert_msg(parse(bad[_i].msg, bad[_i].len, &ev) == -EINVAL, "%s: parsed", bad[_i].what);
}
END_TEST

START_TEST(unknown_keys_counted)
{
	static const char msg[] = "change@/m/x\0ACTION=change\0DEVPATH=/m/x\0SUBSYSTEM=module\0"
				  "SEQNUM=1\0FOO=bar\0EMPTY=\0";
	struct epdma_uevent ev;

	ck_assert_int_eq(PARSE(msg, &ev), 0);
	ck_assert_uint_eq(ev.nkeys, 6);
	ck_assert(!epdma_uevent_triggers(EPDMA_ROLE_ENDPOINT, &ev));
}
END_TEST

START_TEST(sender)
{
	ck_assert(epdma_uevent_from_kernel(0, true, 0));
	ck_assert(!epdma_uevent_from_kernel(1234, true, 0)); /* a process (even root) */
	ck_assert(!epdma_uevent_from_kernel(0, false, 0));   /* no credentials */
	ck_assert(!epdma_uevent_from_kernel(0, true, 1000));
}
END_TEST

static Suite *uevent_suite(void)
{
	Suite *s = suite_create("uevent");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, kernel_controller_add);
	tcase_add_test(tc, kernel_pci_keys);
	tcase_add_test(tc, module_triggers);
	tcase_add_test(tc, truncated_everywhere);
	tcase_add_test(tc, unterminated);
	tcase_add_test(tc, oversized);
	tcase_add_test(tc, libudev_format);
	tcase_add_loop_test(tc, malformed_table, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, unknown_keys_counted);
	tcase_add_test(tc, sender);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(uevent_suite());
}
