/*
 * Runs every suite once per event-port backend built into the library,
 * selecting each with SOCKSHIM_PORT_BACKEND (see port_create(3C)).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The library's one list of backends (lib/ports/backends.def). */
static const char *const backends[] = {
#define	EVP_BACKEND(name, ops)	#name,
#include "../lib/ports/backends.def"
#undef EVP_BACKEND
};

int
main(void)
{
	Suite *(*const suites[])(void) = {
		port_header_suite, port_create_suite, port_associate_suite,
		port_get_suite, port_send_suite, port_alert_suite,
		port_threads_suite, port_fork_suite, port_timer_suite,
		port_file_suite,
	};
	int failed = 0;
	const char *only = getenv("SOCKSHIM_PORT_BACKEND");

	for (size_t b = 0; b < sizeof (backends) / sizeof (backends[0]); b++) {
		SRunner *sr;

		if (only != NULL && *only != '\0' &&
		    strcmp(only, backends[b]) != 0)
			continue;
		setenv("SOCKSHIM_PORT_BACKEND", backends[b], 1);
		printf("=== event-port backend: %s\n", backends[b]);
		fflush(stdout);
		sr = srunner_create(suites[0]());
		for (size_t i = 1; i < sizeof (suites) / sizeof (suites[0]); i++)
			srunner_add_suite(sr, suites[i]());
		srunner_run_all(sr, CK_ENV);
		failed += srunner_ntests_failed(sr);
		srunner_free(sr);
		if (only != NULL && *only != '\0')
			break;
	}
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
