/*
 * check_connect_port: connect(3SOCKET) waited for through an event port,
 * once per event-port backend built (SOCKSHIM_PORT_BACKEND), as
 * tests/main.c runs the port suites.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The library's one list of backends (lib/ports/backends.def). */
static const char *const backends[] = {
#define	EVP_BACKEND(name, ops)	#name,
#include "../../lib/ports/backends.def"
#undef EVP_BACKEND
};

int
main(void)
{
	int failed = 0;

	for (size_t b = 0; b < sizeof (backends) / sizeof (backends[0]); b++) {
		SRunner *sr;

		(void) setenv("SOCKSHIM_PORT_BACKEND", backends[b], 1);
		(void) printf("=== event-port backend: %s\n", backends[b]);
		(void) fflush(stdout);
		sr = srunner_create(connect_port_suite());
		srunner_run_all(sr, CK_ENV);
		failed += srunner_ntests_failed(sr);
		srunner_free(sr);
	}
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
