/* inb-fake-secret-service.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The R4 fixture: a keyring daemon that hangs. The fake takes the name on
 * a bus of its own, so nothing else on the machine is affected.
 */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include <gio/gio.h>

#include "inb-fake-secret-service.h"

struct _InbFakeSecretService
{
  GSubprocess      *bus;
  GSubprocess      *service;
  GDataInputStream *service_out;
  char             *address;
};

/* A test that fails stops at once: the bus must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* A line from @stream, or NULL at its end. */
static char *
read_line (GDataInputStream *stream)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (stream, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

InbFakeSecretService *
inb_fake_secret_service_start (void)
{
  return inb_fake_secret_service_start_mode (NULL);
}

/**
 * inb_fake_secret_service_start_mode:
 * @mode: (nullable): "no-collection", "locked" (see fake-secret-service.py),
 *   or %NULL for a service that never answers
 */
InbFakeSecretService *
inb_fake_secret_service_start_mode (const char *mode)
{
  InbFakeSecretService *self = g_new0 (InbFakeSecretService, 1);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) bus_out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fakes", "fake-secret-service.py", NULL);
  g_autofree char *ready = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  self->bus = g_subprocess_launcher_spawn (launcher, &error,
                                           "dbus-daemon", "--session", "--nofork", "--print-address=1", NULL);
  g_assert_no_error (error);
  g_clear_object (&launcher);
  bus_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->bus));
  self->address = read_line (bus_out);
  g_assert_nonnull (self->address);

  /* python3-gi is Debian's: /usr/bin/python3, not another python3 on PATH */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", self->address, TRUE);
  self->service = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", script,
                                               "--mode", mode != NULL ? mode : "hang", NULL);
  g_assert_no_error (error);
  self->service_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->service));
  ready = read_line (self->service_out);
  g_assert_cmpstr (ready, ==, "ready");

  return self;
}

const char *
inb_fake_secret_service_get_bus_address (InbFakeSecretService *self)
{
  return self->address;
}

guint
inb_fake_secret_service_stop (InbFakeSecretService *self)
{
  guint calls = 0;
  char *line;

  /* Closing its stdin ends the fake; its output says what it received */
  g_output_stream_close (g_subprocess_get_stdin_pipe (self->service), NULL, NULL);
  while ((line = read_line (self->service_out)) != NULL)
    {
      if (g_str_has_prefix (line, "call "))
        calls++;
      g_free (line);
    }
  g_subprocess_wait (self->service, NULL, NULL);
  g_subprocess_force_exit (self->bus);
  g_subprocess_wait (self->bus, NULL, NULL);

  g_object_unref (self->service_out);
  g_object_unref (self->service);
  g_object_unref (self->bus);
  g_free (self->address);
  g_free (self);

  return calls;
}
