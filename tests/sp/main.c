/*
 * The SP layer's Check suite: one Suite per area, every test run under
 * the fd-leak fixture of tests/harness.c.
 */
#include "config.h"

#include <stdlib.h>

#include "util.h"

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(nn_api_suite());
	srunner_add_suite(sr, nn_xfer_suite());
	srunner_add_suite(sr, nn_peers_suite());
	srunner_add_suite(sr, nn_proto_suite());
	srunner_add_suite(sr, sp_ext_suite());
	srunner_add_suite(sr, nn_iface_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
