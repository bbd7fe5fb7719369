/* ubsan-report-path.c — UBSan's reports go where UBSAN_OPTIONS's log_path
 * says, in a gcc build with -fsanitize=address,undefined
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Compiled only into the sanitizer build's executables (meson.build: when
 * b_sanitize names "undefined" and the compiler is gcc). gcc links two
 * runtimes, libasan and libubsan, each with its own copy of the report
 * file. At start-up libubsan sets its log_path through the exported
 * __sanitizer_set_report_path(), and that name binds to libasan's copy,
 * which comes first: so libubsan's own reports always go to stderr, and a
 * report from a child process whose stderr a test reads or drops is never
 * counted (build-aux/sanitize counts the files in sanitizer-logs/). Here
 * libubsan's own setter is called, found in libubsan itself with dlsym().
 * Where libubsan is not loaded (clang links one runtime) nothing is done.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

static int
is_separator (char c)
{
  /* sanitizer_common's flag parser splits on these */
  return c == ' ' || c == ',' || c == ':' || c == '\n' || c == '\t' || c == '\r';
}

/* The last log_path=VALUE in @options, copied into @out; 0 when none */
static int
find_log_path (const char *options,
               char       *out,
               size_t      size)
{
  const char *p = options;
  int found = 0;

  while (*p != '\0')
    {
      const char *value;
      size_t len = 0;
      char quote = 0;

      while (is_separator (*p))
        p++;
      if (*p == '\0')
        break;

      value = strncmp (p, "log_path=", 9) == 0 ? p + 9 : NULL;
      if (value != NULL && (*value == '\'' || *value == '"'))
        quote = *value++;

      /* to the end of this flag */
      while (*p != '\0')
        {
          if (quote != 0 && p >= value && *p == quote)
            {
              p++;
              break;
            }
          if (quote == 0 && is_separator (*p))
            break;
          p++;
        }

      if (value != NULL)
        {
          len = (size_t) (p - value);
          if (quote != 0 && len > 0 && value[len - 1] == quote)
            len--;
          if (len > 0 && len < size)
            {
              memcpy (out, value, len);
              out[len] = '\0';
              found = 1;
            }
        }
    }

  return found;
}

__attribute__((constructor)) static void
inb_ubsan_report_path_init (void)
{
  const char *options = getenv ("UBSAN_OPTIONS");
  static char path[4096];
  void (*set_report_path) (const char *);
  void *ubsan;

  if (options == NULL || !find_log_path (options, path, sizeof path))
    return;

  ubsan = dlopen ("libubsan.so.1", RTLD_NOLOAD | RTLD_LAZY);
  if (ubsan == NULL)
    return;

  /* dlsym() on libubsan's handle finds libubsan's own definition first */
  *(void **) &set_report_path = dlsym (ubsan, "__sanitizer_set_report_path");
  if (set_report_path != NULL)
    set_report_path (path);
  dlclose (ubsan);
}
