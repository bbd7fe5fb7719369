/* inb-fault.c — an LD_PRELOAD shim that makes the Nth write-side call fail
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For tests/fault/run.py (issue 13: a full disk and I/O errors on every
 * write path). Counted calls: write, writev, pwrite (to regular files
 * only: a pipe or a terminal is never failed, so messages still reach the
 * user), fwrite (likewise), fsync, fdatasync, rename, renameat, link,
 * open/openat with O_CREAT, and fopen for writing a file that does not
 * exist yet. Environment:
 *
 *   INB_FAULT_AT=N       the Nth counted call fails (0: none, only count)
 *   INB_FAULT_ERRNO=ENOSPC|EIO   the error (default ENOSPC)
 *   INB_FAULT_STICKY=1   every counted call after the Nth fails too (a disk
 *                        that stays full); otherwise only the Nth (a
 *                        transient I/O error)
 *   INB_FAULT_NOSYNC=1   fsync and fdatasync are counted but not done (speed:
 *                        the program cannot tell)
 *   INB_FAULT_LOG=PATH   at exit, appends "<pid> <calls> <failed>" to PATH
 *   INB_FAULT_TRACE=PATH appends "<n> <call> <file>" for every counted call
 *   INB_FAULT_REOPEN=1   fopen() for writing of a file that exists is counted
 *                        (and can fail) too: mp4mux's reopen of its faststart
 *                        scratch file, which GStreamer 1.22 deadlocks on
 *                        (what tests/fault/run.py picks the Ns from)
 *
 * Only the process that has INB_FAULT_AT in its environment at start is
 * affected; the shim removes nothing from the environment, so the children
 * it spawns (the probe helper) count their own calls.
 */
/* The real symbols by their own names: open64 and open are both defined
 * here, so the build's -D_FILE_OFFSET_BITS=64 must not rename one to the
 * other */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long fault_at;
static int fault_errno = ENOSPC;
static int fault_sticky;
static int no_sync;
static int count_reopen;
static long calls;    /* atomically updated */
static long failed;
static const char *log_path;
static int trace_fd = -1;

__attribute__((constructor)) static void
fault_init (void)
{
  const char *at = getenv ("INB_FAULT_AT");
  const char *err = getenv ("INB_FAULT_ERRNO");
  const char *sticky = getenv ("INB_FAULT_STICKY");

  fault_at = at != NULL ? strtol (at, NULL, 10) : 0;
  if (err != NULL && strcmp (err, "EIO") == 0)
    fault_errno = EIO;
  fault_sticky = sticky != NULL && strcmp (sticky, "1") == 0;
  log_path = getenv ("INB_FAULT_LOG");
  count_reopen = getenv ("INB_FAULT_REOPEN") != NULL && strcmp (getenv ("INB_FAULT_REOPEN"), "1") == 0;
  no_sync = getenv ("INB_FAULT_NOSYNC") != NULL && strcmp (getenv ("INB_FAULT_NOSYNC"), "1") == 0;
  if (getenv ("INB_FAULT_TRACE") != NULL)
    {
      int (*real_open) (const char *, int, ...) = dlsym (RTLD_NEXT, "open");
      trace_fd = real_open (getenv ("INB_FAULT_TRACE"),
                            O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    }
}

__attribute__((destructor)) static void
fault_fini (void)
{
  char line[96];
  int fd, len;

  if (log_path == NULL)
    return;
  len = snprintf (line, sizeof line, "%ld %ld %ld\n", (long) getpid (),
                  __atomic_load_n (&calls, __ATOMIC_SEQ_CST),
                  __atomic_load_n (&failed, __ATOMIC_SEQ_CST));
  /* Not through our own open() and write(): this must not be counted */
  {
    int (*real_open) (const char *, int, ...) = dlsym (RTLD_NEXT, "open");
    ssize_t (*real_write) (int, const void *, size_t) = dlsym (RTLD_NEXT, "write");
    fd = real_open (log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0)
      {
        real_write (fd, line, (size_t) len);
        close (fd);
      }
  }
}

static void
trace (long n, const char *call, int fd, const char *path)
{
  static ssize_t (*real_write) (int, const void *, size_t);
  char target[512] = "";
  char line[700];
  int len;

  if (real_write == NULL)
    real_write = dlsym (RTLD_NEXT, "write");
  if (path != NULL)
    snprintf (target, sizeof target, "%s", path);
  else if (fd >= 0)
    {
      char proc[64];
      ssize_t r;
      snprintf (proc, sizeof proc, "/proc/self/fd/%d", fd);
      r = readlink (proc, target, sizeof target - 1);
      target[r > 0 ? r : 0] = '\0';
    }
  len = snprintf (line, sizeof line, "%ld %s %s\n", n, call, target);
  if (len > (int) sizeof line - 1)
    len = (int) sizeof line - 1;
  real_write (trace_fd, line, (size_t) len);
}

/* TRUE when this call is to fail (errno set). @fd or @path: what it
 * writes, for the trace. */
static int
should_fail_on (const char *call,
                int         fd,
                const char *path)
{
  long n;

  n = __atomic_add_fetch (&calls, 1, __ATOMIC_SEQ_CST);
  if (trace_fd >= 0)
    {
      int saved = errno;
      trace (n, call, fd, path);
      errno = saved;
    }
  if (fault_at <= 0)
    return 0;
  if (n == fault_at || (fault_sticky && n > fault_at))
    {
      __atomic_add_fetch (&failed, 1, __ATOMIC_SEQ_CST);
      errno = fault_errno;
      return 1;
    }
  return 0;
}

/* fopen() of a file that exists only truncates it: no space is needed, so
 * a full disk does not fail it (and GStreamer 1.22's mp4mux deadlocks when
 * its scratch file cannot be reopened: see inb-video-writer.c) */
static int
exists (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0;
}

static int
is_regular_fd (int fd)
{
  struct stat st;
  return fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
}

#define REAL(name) \
  static __typeof__ (name) *real_##name; \
  if (real_##name == NULL) \
    real_##name = (__typeof__ (name) *) dlsym (RTLD_NEXT, #name)

ssize_t
write (int fd, const void *buf, size_t count)
{
  REAL (write);
  if (count > 0 && is_regular_fd (fd) && should_fail_on ("write", fd, NULL))
    return -1;
  return real_write (fd, buf, count);
}

ssize_t
writev (int fd, const struct iovec *iov, int iovcnt)
{
  REAL (writev);
  if (iovcnt > 0 && is_regular_fd (fd) && should_fail_on ("writev", fd, NULL))
    return -1;
  return real_writev (fd, iov, iovcnt);
}

ssize_t
pwrite (int fd, const void *buf, size_t count, off_t offset)
{
  REAL (pwrite);
  if (count > 0 && is_regular_fd (fd) && should_fail_on ("pwrite", fd, NULL))
    return -1;
  return real_pwrite (fd, buf, count, offset);
}

ssize_t
pwrite64 (int fd, const void *buf, size_t count, off_t offset)
{
  REAL (pwrite64);
  if (count > 0 && is_regular_fd (fd) && should_fail_on ("pwrite", fd, NULL))
    return -1;
  return real_pwrite64 (fd, buf, count, offset);
}

int
fsync (int fd)
{
  REAL (fsync);
  if (should_fail_on ("fsync", fd, NULL))
    return -1;
  return no_sync ? 0 : real_fsync (fd);
}

int
fdatasync (int fd)
{
  REAL (fdatasync);
  if (should_fail_on ("fdatasync", fd, NULL))
    return -1;
  return no_sync ? 0 : real_fdatasync (fd);
}

int
rename (const char *from, const char *to)
{
  REAL (rename);
  if (should_fail_on ("rename", -1, to))
    return -1;
  return real_rename (from, to);
}

int
renameat (int fromfd, const char *from, int tofd, const char *to)
{
  REAL (renameat);
  if (should_fail_on ("renameat", -1, to))
    return -1;
  return real_renameat (fromfd, from, tofd, to);
}

int
link (const char *from, const char *to)
{
  REAL (link);
  if (should_fail_on ("link", -1, to))
    return -1;
  return real_link (from, to);
}

#define OPEN_MODE(flags, mode) \
  if ((flags) & (O_CREAT | O_TMPFILE)) \
    { \
      va_list ap; \
      va_start (ap, flags); \
      mode = va_arg (ap, mode_t); \
      va_end (ap); \
    }

int
open (const char *path, int flags, ...)
{
  mode_t mode = 0;
  REAL (open);
  OPEN_MODE (flags, mode);
  if ((flags & O_CREAT) && should_fail_on ("open", -1, path))
    return -1;
  return real_open (path, flags, mode);
}

int
open64 (const char *path, int flags, ...)
{
  mode_t mode = 0;
  REAL (open64);
  OPEN_MODE (flags, mode);
  if ((flags & O_CREAT) && should_fail_on ("open", -1, path))
    return -1;
  return real_open64 (path, flags, mode);
}

int
openat (int dirfd, const char *path, int flags, ...)
{
  mode_t mode = 0;
  REAL (openat);
  OPEN_MODE (flags, mode);
  if ((flags & O_CREAT) && should_fail_on ("open", -1, path))
    return -1;
  return real_openat (dirfd, path, flags, mode);
}

int
openat64 (int dirfd, const char *path, int flags, ...)
{
  mode_t mode = 0;
  REAL (openat64);
  OPEN_MODE (flags, mode);
  if ((flags & O_CREAT) && should_fail_on ("open", -1, path))
    return -1;
  return real_openat64 (dirfd, path, flags, mode);
}

FILE *
fopen (const char *path, const char *fmode)
{
  REAL (fopen);
  if ((strchr (fmode, 'w') != NULL || strchr (fmode, 'a') != NULL) && (count_reopen || !exists (path)) &&
      should_fail_on ("fopen", -1, path))
    return NULL;
  return real_fopen (path, fmode);
}

FILE *
fopen64 (const char *path, const char *fmode)
{
  REAL (fopen64);
  if ((strchr (fmode, 'w') != NULL || strchr (fmode, 'a') != NULL) && (count_reopen || !exists (path)) &&
      should_fail_on ("fopen", -1, path))
    return NULL;
  return real_fopen64 (path, fmode);
}

size_t
fwrite (const void *buf, size_t size, size_t n, FILE *stream)
{
  REAL (fwrite);
  if (size > 0 && n > 0 && is_regular_fd (fileno (stream)) && should_fail_on ("fwrite", fileno (stream), NULL))
    return 0;
  return real_fwrite (buf, size, n, stream);
}
