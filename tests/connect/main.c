/*
 * check_connect: the connect(3SOCKET) suites.  With SOCKSHIM_CONNECT_NETNS
 * set (tests/connect/netns.sh does that, inside the namespaces it builds)
 * only the network suite runs; without it, everything else.
 * "check_connect --probe NAME" runs one probe for the
 * SOCKSHIM_CONNECT_NATIVE test in a fresh process.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

int
main(int argc, char *argv[])
{
	const char *netns = getenv("SOCKSHIM_CONNECT_NETNS");
	SRunner *sr;
	int failed;

	if (argc == 3 && strcmp(argv[1], "--probe") == 0)
		return (connect_probe(argv[2]));
	if (netns != NULL && *netns != '\0') {
		sr = srunner_create(connect_netns_suite());
	} else {
		sr = srunner_create(connect_dissolve_suite());
		srunner_add_suite(sr, connect_async_suite());
		srunner_add_suite(sr, connect_unix_suite());
		srunner_add_suite(sr, connect_errno_suite());
	}
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
