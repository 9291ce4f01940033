/*
 * port_associate(3C) and port_dissociate(3C) for PORT_SOURCE_FILE.
 *
 * Each test works on a private directory made with mkdtemp(3) holding one
 * file, "f", of 100 bytes whose times are set far in the past, so that
 * any change moves them.  Expected events are waited for with a timeout;
 * "no event" is a zero timeout answering ETIME: inotify records are
 * queued by the system call that causes them, so a zero timeout sees
 * them.  The last cases are illumos' os-tests portfs/file_assoc.c.
 */
#include "config.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define	WAIT_MS		5000
#define	OLD_TIME	1000000000	/* 2001-09-09 */

static int port;
static char dir[32];
static char path[PATH_MAX];
static file_obj_t fo;
static struct timespec zero = { 0, 0 };

static void
subpath(char *buf, const char *name)
{
	ck_assert_int_lt(snprintf(buf, PATH_MAX, "%s/%s", dir, name),
	    PATH_MAX);
}

static void
set_old_times(const char *p)
{
	struct timespec ts[2] = { { OLD_TIME, 0 }, { OLD_TIME, 0 } };

	ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static void
append(const char *p, size_t n)
{
	char buf[128] = { 0 };
	int fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_le(n, sizeof (buf));
	ck_assert_int_eq(write(fd, buf, n), (ssize_t)n);
	close(fd);
}

static void
setup(void)
{
	port = port_create();
	ck_assert_int_ge(port, 0);
	strcpy(dir, "/tmp/port_file.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	subpath(path, "f");
	append(path, 100);
	set_old_times(path);
	memset(&fo, 0, sizeof (fo));
	fo.fo_name = path;
}

static int
rm_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	return (remove(p));
}

static void
teardown(void)
{
	close(port);
	(void) nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void
associate(file_obj_t *obj, int events, void *user)
{
	int rc, err;

	CALL(rc, err, port_associate(port, PORT_SOURCE_FILE, (uintptr_t)obj,
	    events, user));
	ck_assert_msg(rc == 0, "port_associate: %s", strerror(err));
}

static void
expect_event_on(file_obj_t *obj, int events, void *user)
{
	struct timespec ts = harness_ms(WAIT_MS);
	port_event_t pe;
	int rc, err;

	CALL(rc, err, port_get(port, &pe, &ts));
	ck_assert_msg(rc == 0, "port_get: %s", strerror(err));
	ck_assert_int_eq(pe.portev_source, PORT_SOURCE_FILE);
	ck_assert_int_eq(pe.portev_events, events);
	ck_assert_uint_eq(pe.portev_object, (uintptr_t)obj);
	ck_assert_ptr_eq(pe.portev_user, user);
}

static void
expect_event(int events, void *user)
{
	expect_event_on(&fo, events, user);
}

static void
expect_no_event(void)
{
	harness_expect_no_event(port);
}

/* Let the port pull what is pending into its queue; returns the count. */
static uint_t
pending(void)
{
	uint_t n = 0;

	ck_assert_int_eq(port_getn(port, NULL, 0, &n, NULL), 0);
	return (n);
}

static void
expect_associate_error(file_obj_t *obj, int events, int want)
{
	int rc, err;

	CALL(rc, err, port_associate(port, PORT_SOURCE_FILE, (uintptr_t)obj,
	    events, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, want);
}

static void
expect_dissociate_error(file_obj_t *obj, int want)
{
	int rc, err;

	CALL(rc, err, port_dissociate(port, PORT_SOURCE_FILE, (uintptr_t)obj));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, want);
}

START_TEST(port_associate__file_modified_on_write)
{
	associate(&fo, FILE_MODIFIED, &fo);
	append(path, 1);
	expect_event(FILE_MODIFIED, &fo);
}
END_TEST

START_TEST(port_associate__file_write_also_reports_attrib)
{
	associate(&fo, FILE_MODIFIED | FILE_ATTRIB, NULL);
	append(path, 1);
	expect_event(FILE_MODIFIED | FILE_ATTRIB, NULL);
}
END_TEST

START_TEST(port_associate__file_access_on_read)
{
	char c;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	associate(&fo, FILE_ACCESS, NULL);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	close(fd);
	expect_event(FILE_ACCESS, NULL);
}
END_TEST

START_TEST(port_associate__file_attrib_on_chmod)
{
	associate(&fo, FILE_ATTRIB, NULL);
	ck_assert_int_eq(chmod(path, 0600), 0);
	expect_event(FILE_ATTRIB, NULL);
}
END_TEST

START_TEST(port_associate__file_trunc_on_truncate)
{
	associate(&fo, FILE_TRUNC, NULL);
	ck_assert_int_eq(truncate(path, 10), 0);
	expect_event(FILE_TRUNC, NULL);
}
END_TEST

START_TEST(port_associate__file_trunc_not_on_append)
{
	associate(&fo, FILE_TRUNC, NULL);
	append(path, 1);
	expect_no_event();
}
END_TEST

START_TEST(port_associate__file_delete_always_reported)
{
	associate(&fo, FILE_MODIFIED, NULL);
	ck_assert_int_eq(unlink(path), 0);
	expect_event(FILE_DELETE, NULL);
}
END_TEST

/* inotify says IN_DELETE_SELF only at the last close; the name goes now. */
START_TEST(port_associate__file_delete_reported_while_open)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	associate(&fo, FILE_ATTRIB, NULL);
	ck_assert_int_eq(unlink(path), 0);
	expect_event(FILE_DELETE, NULL);
	close(fd);
}
END_TEST

START_TEST(port_associate__file_rename_from_always_reported)
{
	char to[PATH_MAX];

	subpath(to, "g");
	associate(&fo, FILE_ACCESS, NULL);
	ck_assert_int_eq(rename(path, to), 0);
	expect_event(FILE_RENAME_FROM, NULL);
}
END_TEST

START_TEST(port_associate__file_rename_to_always_reported)
{
	char from[PATH_MAX];

	subpath(from, "g");
	append(from, 1);
	associate(&fo, FILE_ACCESS, NULL);
	ck_assert_int_eq(rename(from, path), 0);
	expect_event(FILE_RENAME_TO, NULL);
}
END_TEST

/* illumos: another hard link going away only changes the link count. */
START_TEST(port_associate__file_other_link_removed_is_attrib)
{
	char other[PATH_MAX];

	subpath(other, "h");
	ck_assert_int_eq(link(path, other), 0);
	associate(&fo, FILE_ATTRIB, NULL);
	ck_assert_int_eq(unlink(other), 0);
	expect_event(FILE_ATTRIB, NULL);
}
END_TEST

START_TEST(port_associate__stale_mtime_fires_at_once)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	fo.fo_atime = st.st_atim;
	fo.fo_mtime = st.st_mtim;
	fo.fo_ctime = st.st_ctim;
	append(path, 1);
	associate(&fo, FILE_MODIFIED, &st);
	expect_event(FILE_MODIFIED, &st);
}
END_TEST

START_TEST(port_associate__file_current_times_no_event)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	fo.fo_atime = st.st_atim;
	fo.fo_mtime = st.st_mtim;
	fo.fo_ctime = st.st_ctim;
	associate(&fo, FILE_ACCESS | FILE_MODIFIED | FILE_ATTRIB, NULL);
	expect_no_event();
}
END_TEST

START_TEST(port_associate__directory_modified_on_create)
{
	char child[PATH_MAX];

	subpath(child, "new");
	fo.fo_name = dir;
	associate(&fo, FILE_MODIFIED | FILE_ATTRIB, NULL);
	append(child, 1);
	expect_event(FILE_MODIFIED | FILE_ATTRIB, NULL);
}
END_TEST

START_TEST(port_associate__directory_ignores_writes_to_its_files)
{
	fo.fo_name = dir;
	associate(&fo, FILE_MODIFIED | FILE_ATTRIB | FILE_ACCESS, NULL);
	append(path, 1);
	ck_assert_int_eq(chmod(path, 0600), 0);
	expect_no_event();
}
END_TEST

START_TEST(port_associate__reassociate_replaces_user)
{
	associate(&fo, FILE_MODIFIED, (void *)1);
	associate(&fo, FILE_MODIFIED, (void *)2);
	append(path, 1);
	expect_event(FILE_MODIFIED, (void *)2);
	expect_no_event();
}
END_TEST

START_TEST(port_associate__reassociate_replaces_events)
{
	associate(&fo, FILE_MODIFIED, NULL);
	associate(&fo, FILE_ATTRIB, NULL);
	ck_assert_int_eq(chmod(path, 0600), 0);
	expect_event(FILE_ATTRIB, NULL);
}
END_TEST

START_TEST(port_associate__file_is_one_shot)
{
	associate(&fo, FILE_MODIFIED, NULL);
	append(path, 1);
	expect_event(FILE_MODIFIED, NULL);
	append(path, 1);
	expect_no_event();
}
END_TEST

START_TEST(port_associate__file_events_accumulate_until_retrieved)
{
	char c;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	associate(&fo, FILE_ACCESS | FILE_ATTRIB, NULL);
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_uint_eq(pending(), 1);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	close(fd);
	ck_assert_uint_eq(pending(), 1);
	expect_event(FILE_ACCESS | FILE_ATTRIB, NULL);
	expect_no_event();
}
END_TEST

/* inotify has one wd per file: the associations must not share a mask. */
START_TEST(port_associate__file_objects_on_one_file_are_independent)
{
	file_obj_t fo2 = fo;

	associate(&fo, FILE_MODIFIED, (void *)1);
	associate(&fo2, FILE_ATTRIB, (void *)2);
	ck_assert_int_eq(chmod(path, 0600), 0);
	expect_event_on(&fo2, FILE_ATTRIB, (void *)2);
	expect_no_event();
	append(path, 1);
	expect_event_on(&fo, FILE_MODIFIED, (void *)1);
}
END_TEST

struct waiter {
	int		w_tid;
	int		w_rc;
	port_event_t	w_pe;
};

static void *
wait_one(void *arg)
{
	struct waiter *w = arg;
	struct timespec ts = harness_ms(WAIT_MS);

	__atomic_store_n(&w->w_tid, harness_tid(), __ATOMIC_SEQ_CST);
	w->w_rc = port_get(port, &w->w_pe, &ts);
	return (NULL);
}

/* The port's first file association arms inotify under a sleeping waiter. */
START_TEST(port_get__file_event_wakes_blocked_waiter)
{
	struct waiter w = { 0, -1, { 0 } };
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, wait_one, &w), 0);
	while (__atomic_load_n(&w.w_tid, __ATOMIC_SEQ_CST) == 0)
		usleep(1000);
	harness_wait_blocked(w.w_tid);
	associate(&fo, FILE_MODIFIED, &w);
	append(path, 1);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(w.w_rc, 0);
	ck_assert_int_eq(w.w_pe.portev_events, FILE_MODIFIED);
	ck_assert_ptr_eq(w.w_pe.portev_user, &w);
}
END_TEST

START_TEST(port_associate__enoent_for_missing_file)
{
	char missing[PATH_MAX];

	subpath(missing, "nope");
	fo.fo_name = missing;
	expect_associate_error(&fo, FILE_MODIFIED, ENOENT);
}
END_TEST

START_TEST(port_associate__file_enotdir_for_file_as_directory)
{
	char below[PATH_MAX];

	subpath(below, "f/x");
	fo.fo_name = below;
	expect_associate_error(&fo, FILE_MODIFIED, ENOTDIR);
}
END_TEST

/* FILE_EVENTS_MASK in illumos port_impl.h: exceptions are not in it. */
START_TEST(port_associate__einval_for_bad_events)
{
	static const int bad[] = { 0x8, FILE_DELETE, FILE_RENAME_TO,
	    FILE_RENAME_FROM, UNMOUNTED, MOUNTEDOVER, FILE_MODIFIED | 0x80 };

	for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
		expect_associate_error(&fo, bad[i], EINVAL);
}
END_TEST

START_TEST(port_associate__file_efault_for_null_name)
{
	fo.fo_name = NULL;
	expect_associate_error(&fo, FILE_MODIFIED, EFAULT);
}
END_TEST

START_TEST(port_associate__file_efault_for_null_object)
{
	expect_associate_error(NULL, FILE_MODIFIED, EFAULT);
}
END_TEST

START_TEST(port_associate__nofollow_watches_the_link)
{
	char link_path[PATH_MAX];

	subpath(link_path, "l");
	ck_assert_int_eq(symlink(path, link_path), 0);
	fo.fo_name = link_path;
	associate(&fo, FILE_MODIFIED | FILE_NOFOLLOW, NULL);
	append(path, 1);
	expect_no_event();
	ck_assert_int_eq(unlink(link_path), 0);
	expect_event(FILE_DELETE, NULL);
}
END_TEST

START_TEST(port_associate__file_follows_symlink_by_default)
{
	char link_path[PATH_MAX];

	subpath(link_path, "l");
	ck_assert_int_eq(symlink(path, link_path), 0);
	fo.fo_name = link_path;
	associate(&fo, FILE_MODIFIED, NULL);
	append(path, 1);
	expect_event(FILE_MODIFIED, NULL);
}
END_TEST

START_TEST(port_associate__file_nofollow_dangling_link)
{
	char link_path[PATH_MAX], missing[PATH_MAX];

	subpath(link_path, "l");
	subpath(missing, "nope");
	ck_assert_int_eq(symlink(missing, link_path), 0);
	fo.fo_name = link_path;
	expect_associate_error(&fo, FILE_MODIFIED, ENOENT);
	associate(&fo, FILE_MODIFIED | FILE_NOFOLLOW, NULL);
	expect_no_event();
}
END_TEST

START_TEST(port_dissociate__file_removes_queued_event)
{
	associate(&fo, FILE_MODIFIED, NULL);
	append(path, 1);
	ck_assert_uint_eq(pending(), 1);
	ck_assert_int_eq(port_dissociate(port, PORT_SOURCE_FILE,
	    (uintptr_t)&fo), 0);
	ck_assert_uint_eq(pending(), 0);
	expect_no_event();
}
END_TEST

START_TEST(port_dissociate__file_stops_future_events)
{
	associate(&fo, FILE_MODIFIED, NULL);
	ck_assert_int_eq(port_dissociate(port, PORT_SOURCE_FILE,
	    (uintptr_t)&fo), 0);
	append(path, 1);
	expect_no_event();
}
END_TEST

START_TEST(port_dissociate__file_not_associated_gives_enoent)
{
	file_obj_t other = fo;

	associate(&fo, FILE_MODIFIED, NULL);
	expect_dissociate_error(&other, ENOENT);
}
END_TEST

START_TEST(port_dissociate__file_never_associated_gives_einval)
{
	expect_dissociate_error(&fo, EINVAL);
}
END_TEST

START_TEST(port_dissociate__file_after_retrieval_gives_enoent)
{
	associate(&fo, FILE_MODIFIED, NULL);
	append(path, 1);
	expect_event(FILE_MODIFIED, NULL);
	expect_dissociate_error(&fo, ENOENT);
}
END_TEST

/* illumos: the exception ended the watch, but its event stays queued. */
START_TEST(port_dissociate__file_after_exception_keeps_event)
{
	associate(&fo, FILE_MODIFIED, NULL);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_uint_eq(pending(), 1);
	expect_dissociate_error(&fo, ENOENT);
	expect_event(FILE_DELETE, NULL);
}
END_TEST

/*
 * illumos usr/src/test/os-tests/tests/portfs/file_assoc.c: a series of
 * actions on a fresh port, then one port_getn with a zero timeout.  Every
 * associate passes the times of the stat made at the start (or by the
 * last FA_FSTAT) and a new user value; the expected event is FILE_MODIFIED
 * exactly, with the user of the last associate.
 */
enum fa_act { FA_DONE, FA_ASSOC, FA_DEASSOC, FA_FSTAT, FA_TRIGGER };

static void
fa_run(const enum fa_act *act, bool want_event)
{
	struct stat st;
	uintptr_t user = 1;
	uint_t nget = 1;
	port_event_t pe;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	for (; *act != FA_DONE; act++) {
		switch (*act) {
		case FA_ASSOC:
			memset(&fo, 0, sizeof (fo));
			fo.fo_atime = st.st_atim;
			fo.fo_mtime = st.st_mtim;
			fo.fo_ctime = st.st_ctim;
			fo.fo_name = path;
			associate(&fo, FILE_MODIFIED, (void *)++user);
			break;
		case FA_DEASSOC:
			ck_assert_int_eq(port_dissociate(port,
			    PORT_SOURCE_FILE, (uintptr_t)&fo), 0);
			break;
		case FA_FSTAT:
			ck_assert_int_eq(fstat(fd, &st), 0);
			break;
		default:
			ck_assert_int_eq(write(fd, &user, sizeof (user)),
			    sizeof (user));
			break;
		}
	}
	close(fd);
	ck_assert_int_eq(port_getn(port, &pe, 1, &nget, &zero), 0);
	ck_assert_uint_eq(nget, want_event ? 1 : 0);
	if (want_event) {
		ck_assert_int_eq(pe.portev_source, PORT_SOURCE_FILE);
		ck_assert_int_eq(pe.portev_events, FILE_MODIFIED);
		ck_assert_ptr_eq(pe.portev_user, (void *)user);
	}
}

/* file_assoc.c case 1 */
START_TEST(port_get__file_trigger_without_association_no_event)
{
	static const enum fa_act a[] = { FA_TRIGGER, FA_DONE };

	fa_run(a, false);
}
END_TEST

/* file_assoc.c case 2 */
START_TEST(port_associate__file_alone_no_event)
{
	static const enum fa_act a[] = { FA_ASSOC, FA_DONE };

	fa_run(a, false);
}
END_TEST

/* file_assoc.c case 3 */
START_TEST(port_associate__file_trigger_gives_first_user)
{
	static const enum fa_act a[] = { FA_ASSOC, FA_TRIGGER, FA_DONE };

	fa_run(a, true);
}
END_TEST

/* file_assoc.c case 4 */
START_TEST(port_associate__file_twice_then_trigger_gives_second_user)
{
	static const enum fa_act a[] = { FA_ASSOC, FA_ASSOC, FA_TRIGGER,
	    FA_DONE };

	fa_run(a, true);
}
END_TEST

/* file_assoc.c case 5 */
START_TEST(port_associate__file_after_trigger_gives_second_user)
{
	static const enum fa_act a[] = { FA_ASSOC, FA_TRIGGER, FA_ASSOC,
	    FA_DONE };

	fa_run(a, true);
}
END_TEST

/* file_assoc.c case 6 */
START_TEST(port_dissociate__file_before_trigger_no_event)
{
	static const enum fa_act a[] = { FA_ASSOC, FA_DEASSOC, FA_DONE };

	fa_run(a, false);
}
END_TEST

/* file_assoc.c case 7 */
START_TEST(port_dissociate__file_after_trigger_no_event)
{
	static const enum fa_act a[] = { FA_ASSOC, FA_TRIGGER, FA_DEASSOC,
	    FA_DONE };

	fa_run(a, false);
}
END_TEST

/* file_assoc.c case 8 */
START_TEST(port_associate__file_stale_times_after_dissociate_second_user)
{
	static const enum fa_act a[] = { FA_ASSOC, FA_TRIGGER, FA_DEASSOC,
	    FA_ASSOC, FA_DONE };

	fa_run(a, true);
}
END_TEST

/* file_assoc.c case 9 */
START_TEST(port_associate__file_fresh_times_after_dissociate_no_event)
{
	static const enum fa_act a[] = { FA_ASSOC, FA_TRIGGER, FA_DEASSOC,
	    FA_FSTAT, FA_ASSOC, FA_DONE };

	fa_run(a, false);
}
END_TEST

static TCase *
file_tcase(const char *name)
{
	TCase *tc = harness_tcase(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	return (tc);
}

Suite *
port_file_suite(void)
{
	Suite *s = suite_create("port_file");
	TCase *tc = file_tcase("file");
	TCase *fa = file_tcase("file_assoc");

	tcase_add_test(tc, port_associate__file_modified_on_write);
	tcase_add_test(tc, port_associate__file_write_also_reports_attrib);
	tcase_add_test(tc, port_associate__file_access_on_read);
	tcase_add_test(tc, port_associate__file_attrib_on_chmod);
	tcase_add_test(tc, port_associate__file_trunc_on_truncate);
	tcase_add_test(tc, port_associate__file_trunc_not_on_append);
	tcase_add_test(tc, port_associate__file_delete_always_reported);
	tcase_add_test(tc, port_associate__file_delete_reported_while_open);
	tcase_add_test(tc, port_associate__file_rename_from_always_reported);
	tcase_add_test(tc, port_associate__file_rename_to_always_reported);
	tcase_add_test(tc, port_associate__file_other_link_removed_is_attrib);
	tcase_add_test(tc, port_associate__stale_mtime_fires_at_once);
	tcase_add_test(tc, port_associate__file_current_times_no_event);
	tcase_add_test(tc, port_associate__directory_modified_on_create);
	tcase_add_test(tc,
	    port_associate__directory_ignores_writes_to_its_files);
	tcase_add_test(tc, port_associate__reassociate_replaces_user);
	tcase_add_test(tc, port_associate__reassociate_replaces_events);
	tcase_add_test(tc, port_associate__file_is_one_shot);
	tcase_add_test(tc,
	    port_associate__file_events_accumulate_until_retrieved);
	tcase_add_test(tc,
	    port_associate__file_objects_on_one_file_are_independent);
	tcase_add_test(tc, port_get__file_event_wakes_blocked_waiter);
	tcase_add_test(tc, port_associate__enoent_for_missing_file);
	tcase_add_test(tc, port_associate__file_enotdir_for_file_as_directory);
	tcase_add_test(tc, port_associate__einval_for_bad_events);
	tcase_add_test(tc, port_associate__file_efault_for_null_name);
	tcase_add_test(tc, port_associate__file_efault_for_null_object);
	tcase_add_test(tc, port_associate__nofollow_watches_the_link);
	tcase_add_test(tc, port_associate__file_follows_symlink_by_default);
	tcase_add_test(tc, port_associate__file_nofollow_dangling_link);
	tcase_add_test(tc, port_dissociate__file_removes_queued_event);
	tcase_add_test(tc, port_dissociate__file_stops_future_events);
	tcase_add_test(tc, port_dissociate__file_not_associated_gives_enoent);
	tcase_add_test(tc, port_dissociate__file_never_associated_gives_einval);
	tcase_add_test(tc, port_dissociate__file_after_retrieval_gives_enoent);
	tcase_add_test(tc, port_dissociate__file_after_exception_keeps_event);
	suite_add_tcase(s, tc);

	tcase_add_test(fa, port_get__file_trigger_without_association_no_event);
	tcase_add_test(fa, port_associate__file_alone_no_event);
	tcase_add_test(fa, port_associate__file_trigger_gives_first_user);
	tcase_add_test(fa,
	    port_associate__file_twice_then_trigger_gives_second_user);
	tcase_add_test(fa,
	    port_associate__file_after_trigger_gives_second_user);
	tcase_add_test(fa, port_dissociate__file_before_trigger_no_event);
	tcase_add_test(fa, port_dissociate__file_after_trigger_no_event);
	tcase_add_test(fa,
	    port_associate__file_stale_times_after_dissociate_second_user);
	tcase_add_test(fa,
	    port_associate__file_fresh_times_after_dissociate_no_event);
	suite_add_tcase(s, fa);
	return (s);
}
