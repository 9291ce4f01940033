/*
 * The <sockshim/connect.h> suites, run once per event-port backend built
 * into the library (SOCKSHIM_PORT_BACKEND selects it, as in tests/main.c).
 * With SKS_DIAL_NETNS=1 (tests/dial/netns.sh, inside its namespace) only
 * the Happy Eyeballs suite that needs the namespace runs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtest.h"

/* The library's one list of backends (lib/ports/backends.def). */
static const char *const backends[] = {
#define	EVP_BACKEND(name, ops)	#name,
#include "../../lib/ports/backends.def"
#undef EVP_BACKEND
};

int
main(void)
{
	Suite *(*const suites[])(void) = {
		connect_start_suite, connect_finish_suite, connect_wait_suite,
		connect_timeout_suite, dial_suite,
	};
	Suite *(*const netns[])(void) = { dial_netns_suite };
	const char *only = getenv("SOCKSHIM_PORT_BACKEND");
	const char *ns = getenv("SKS_DIAL_NETNS");
	bool in_ns = ns != NULL && strcmp(ns, "1") == 0;
	Suite *(*const *run)(void) = in_ns ? netns : suites;
	size_t nrun = in_ns ? 1 : sizeof (suites) / sizeof (suites[0]);
	int failed = 0;

	for (size_t b = 0; b < sizeof (backends) / sizeof (backends[0]); b++) {
		SRunner *sr;

		if (only != NULL && *only != '\0' &&
		    strcmp(only, backends[b]) != 0)
			continue;
		(void) setenv("SOCKSHIM_PORT_BACKEND", backends[b], 1);
		(void) printf("=== event-port backend: %s\n", backends[b]);
		(void) fflush(stdout);
		sr = srunner_create(run[0]());
		for (size_t i = 1; i < nrun; i++)
			srunner_add_suite(sr, run[i]());
		srunner_run_all(sr, CK_ENV);
		failed += srunner_ntests_failed(sr);
		srunner_free(sr);
		if (only != NULL && *only != '\0')
			break;
	}
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
