# AX_PTHREAD_SIMPLE: find the flag that links POSIX threads (glibc >= 2.34
# needs none; older systems need -pthread).
AC_DEFUN([AX_PTHREAD_SIMPLE], [
  AC_MSG_CHECKING([how to link POSIX threads])
  saved_LIBS=$LIBS
  PTHREAD_LIBS=
  AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <pthread.h>]],
      [[pthread_t t; return pthread_create(&t, 0, 0, 0);]])],
    [AC_MSG_RESULT([no flag needed])],
    [LIBS="$LIBS -pthread"
     AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <pthread.h>]],
         [[pthread_t t; return pthread_create(&t, 0, 0, 0);]])],
       [AC_MSG_RESULT([-pthread]); PTHREAD_LIBS=-pthread],
       [AC_MSG_ERROR([POSIX threads are required])])])
  LIBS=$saved_LIBS
  AC_SUBST([PTHREAD_LIBS])
])
