/* <port.h> and <sys/port.h>: what illumos programs expect from them. */
#include "config.h"

#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/port.h>
#include <sys/port_impl.h>

#include "harness.h"

START_TEST(port_event_t__illumos_layout)
{
	ck_assert_uint_eq(sizeof (port_event_t), 8 + 2 * sizeof (void *));
	ck_assert_uint_eq(offsetof(port_event_t, portev_events), 0);
	ck_assert_uint_eq(offsetof(port_event_t, portev_source), 4);
	ck_assert_uint_eq(offsetof(port_event_t, portev_pad), 6);
	ck_assert_uint_eq(offsetof(port_event_t, portev_object), 8);
	ck_assert_uint_eq(offsetof(port_event_t, portev_user),
	    8 + sizeof (uintptr_t));
#if defined(__LP64__)
	ck_assert_uint_eq(sizeof (port_event_t), 24);
#endif
}
END_TEST

START_TEST(port_notify_t__and_file_obj_t_fields)
{
	port_notify_t pn = { .portnfy_port = 3, .portnfy_user = &pn };
	file_obj_t fo;

	ck_assert_int_eq(pn.portnfy_port, 3);
	ck_assert_ptr_eq(pn.portnfy_user, &pn);
	ck_assert_uint_eq(sizeof (fo.fo_atime), sizeof (struct timespec));
	ck_assert_uint_eq(offsetof(file_obj_t, fo_name),
	    3 * sizeof (struct timespec) + 3 * sizeof (uintptr_t));
}
END_TEST

START_TEST(port_h__illumos_types)
{
	uint_t u = 1;
	ushort_t us = 2;
	timestruc_t ts = { 1, 2 };
	timespec_t tp = ts;

	ck_assert_uint_eq(sizeof (u), sizeof (unsigned int));
	ck_assert_uint_eq(sizeof (us), sizeof (unsigned short));
	ck_assert_int_eq(tp.tv_nsec, 2);
}
END_TEST

START_TEST(port_h__constants)
{
	ck_assert_int_eq(PORT_SOURCE_AIO, 1);
	ck_assert_int_eq(PORT_SOURCE_TIMER, 2);
	ck_assert_int_eq(PORT_SOURCE_USER, 3);
	ck_assert_int_eq(PORT_SOURCE_FD, 4);
	ck_assert_int_eq(PORT_SOURCE_ALERT, 5);
	ck_assert_int_eq(PORT_SOURCE_MQ, 6);
	ck_assert_int_eq(PORT_SOURCE_FILE, 7);
	ck_assert_int_eq(PORT_ALERT_SET, 1);
	ck_assert_int_eq(PORT_ALERT_UPDATE, 2);
	ck_assert_int_eq(PORT_ALERT_INVALID, 3);
	ck_assert_int_eq(FILE_EXCEPTION, 0x20000000 | 0x10 | 0x20 | 0x40 |
	    0x40000000);
	ck_assert_int_eq(POLLIN, 0x1);
	ck_assert_int_eq(POLLOUT, 0x4);
	ck_assert_int_ne(ETIME, EBADFD);
#ifdef __linux__
	ck_assert_int_eq(ETIME, 62);
	ck_assert_int_eq(EBADFD, 77);
#endif
}
END_TEST

START_TEST(in6_inaddr_to_v4mapped__maps_address)
{
	struct in_addr v4;
	struct in6_addr v6;
	static const unsigned char want[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff, 192, 0, 2, 7 };

	memset(&v6, 0xaa, sizeof (v6));
	v4.s_addr = htonl(0xc0000207);
	IN6_INADDR_TO_V4MAPPED(&v4, &v6);
	ck_assert_mem_eq(v6.s6_addr, want, 16);
	ck_assert(IN6_IS_ADDR_V4MAPPED(&v6));
}
END_TEST

Suite *
port_header_suite(void)
{
	Suite *s = suite_create("header");
	TCase *tc = harness_tcase("port.h");

	tcase_add_test(tc, port_event_t__illumos_layout);
	tcase_add_test(tc, port_notify_t__and_file_obj_t_fields);
	tcase_add_test(tc, port_h__illumos_types);
	tcase_add_test(tc, port_h__constants);
	tcase_add_test(tc, in6_inaddr_to_v4mapped__maps_address);
	suite_add_tcase(s, tc);
	return (s);
}
