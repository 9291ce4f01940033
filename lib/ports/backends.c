/*
 * The table of backends and the choice for a new port.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backend.h"

#define	EVP_BACKEND(name, ops)	extern const struct evp_backend ops;
#include "backends.def"
#undef EVP_BACKEND

const struct evp_backend *const evp__backends[] = {
#define	EVP_BACKEND(name, ops)	&ops,
#include "backends.def"
#undef EVP_BACKEND
	NULL
};

/*
 * SOCKSHIM_PORT_BACKEND picks the backend of each new port; unset, empty
 * or unknown means the one chosen at configure time: a library must not
 * fail port_create() over a debugging knob.
 */
const struct evp_backend *
evp__backend_pick(void)
{
	const char *want = getenv("SOCKSHIM_PORT_BACKEND");
	const struct evp_backend *dflt = evp__backends[0];

	for (int i = 0; evp__backends[i] != NULL; i++) {
		if (strcmp(evp__backends[i]->eb_name, EVP_DEFAULT_BACKEND) == 0)
			dflt = evp__backends[i];
	}
	for (int i = 0; want != NULL && evp__backends[i] != NULL; i++) {
		if (strcmp(evp__backends[i]->eb_name, want) == 0)
			return (evp__backends[i]);
	}
	return (dflt);
}
