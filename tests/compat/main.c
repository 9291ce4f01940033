/*
 * Runs the illumos compatibility suites.  Every test is forked (whatever
 * CK_FORK says), because the lookup tests enter private namespaces.
 */
#include "config.h"

#include <stdlib.h>

#include "compat.h"

int
main(void)
{
	SRunner *sr = srunner_create(compat_header_suite());
	int failed;

	srunner_add_suite(sr, compat_ipnode_suite());
	srunner_add_suite(sr, compat_ucred_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
