/*
 * Built only where the system has no libnsl, so that "-lnsl" still links.
 * glibc keeps the name-service functions illumos puts in libnsl in libc.
 */
int sockshim_nsl_stub_present;
