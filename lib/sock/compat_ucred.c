/*
 * getpeerucred(3C) and the ucred_get*() accessors it needs: the system
 * part lives in compat_ucred_<system>.c (sks__peercred()).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "compat_ucred.h"

/*
 * As on illumos, a non-NULL *ucp is reused and a NULL one receives a new
 * ucred_t; on failure *ucp is left as it was.  A NULL ucp is EFAULT.
 */
int
getpeerucred(int fd, ucred_t **ucp)
{
	struct ucred_s got, *uc;
	int saved = errno;
	int err;

	if (ucp == NULL) {
		errno = EFAULT;
		return (-1);
	}
	if ((err = sks__peercred(fd, &got)) != 0) {
		errno = err;
		return (-1);
	}
	if ((uc = *ucp) == NULL && (uc = malloc(sizeof (*uc))) == NULL) {
		errno = ENOMEM;
		return (-1);
	}
	*uc = got;
	*ucp = uc;
	errno = saved;
	return (0);
}

/*
 * The accessors return -1 and set errno to EINVAL when the field was not
 * reported (as illumos does), or when uc is NULL.
 */
static int
uc_has(const ucred_t *uc, unsigned int field)
{
	if (uc == NULL || (uc->uc_have & field) == 0) {
		errno = EINVAL;
		return (0);
	}
	return (1);
}

uid_t
ucred_geteuid(const ucred_t *uc)
{
	return (uc_has(uc, SKS__UC_EUID) ? uc->uc_euid : (uid_t)-1);
}

gid_t
ucred_getegid(const ucred_t *uc)
{
	return (uc_has(uc, SKS__UC_EGID) ? uc->uc_egid : (gid_t)-1);
}

pid_t
ucred_getpid(const ucred_t *uc)
{
	return (uc_has(uc, SKS__UC_PID) ? uc->uc_pid : (pid_t)-1);
}

void
ucred_free(ucred_t *uc)
{
	free(uc);
}
