/* inb-fake-server.c — start a loopback fake server (tests/fakes/NAME.py) from a test
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "inb-fake-server"

#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include <gio/gio.h>

#include "inb-http.h"
#include "inb-fake-server.h"

struct _InbFakeServer
{
  GSubprocess   *process;
  char          *base_url;
  InbHttpClient *client;
  JsonArray     *requests;
};

/**
 * inb_fake_server_start:
 * @script: a file name in tests/fakes/, e.g. "fake-http.py"
 * @scenario_json: (nullable): initial scenario settings
 *
 * Starts `python3 tests/fakes/@script` (python3 from PATH) and waits for
 * it to print its port. Aborts the test if it cannot.
 */
static InbFakeServer *
fake_server_start (const char *script,
                   const char *scenario_json,
                   const char *host,
                   gboolean    tls)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autofree char *python = NULL;
  g_autofree char *path = NULL;
  g_autofree char *line = NULL;
  g_autofree char *tls_dir = NULL;
  InbFakeServer *self;
  guint64 port = 0;

  python = g_find_program_in_path ("python3");
  g_assert_nonnull (python);
  path = g_test_build_filename (G_TEST_DIST, "fakes", script, NULL);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  argv = g_ptr_array_new ();
  g_ptr_array_add (argv, python);
  g_ptr_array_add (argv, path);
  g_ptr_array_add (argv, (char *) "--lifetime");
  g_ptr_array_add (argv, (char *) "300");
  g_ptr_array_add (argv, (char *) "--watch-stdin");
  if (scenario_json != NULL)
    {
      g_ptr_array_add (argv, (char *) "--script");
      g_ptr_array_add (argv, (char *) scenario_json);
    }
  if (tls)
    {
      tls_dir = g_test_build_filename (G_TEST_DIST, "fakes", "tls", NULL);
      g_ptr_array_add (argv, (char *) "--tls");
      g_ptr_array_add (argv, tls_dir);
    }
  if (host != NULL)
    {
      g_ptr_array_add (argv, (char *) "--host");
      g_ptr_array_add (argv, (char *) host);
    }
  if (g_getenv ("INB_FAKE_VERBOSE") != NULL)
    g_ptr_array_add (argv, (char *) "--verbose");
  g_ptr_array_add (argv, NULL);

  /* The fake exits when its stdin closes, i.e. when this process ends */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE);
  self = g_new0 (InbFakeServer, 1);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "PORT "));
  port = g_ascii_strtoull (line + 5, NULL, 10);
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpuint (port, <, 65536);

  self->base_url = g_strdup_printf ("%s://%s:%u", tls ? "https" : "http", host != NULL ? host : "127.0.0.1",
                                    (guint) port);
  self->client = inb_http_client_new ();
  if (host != NULL)
    inb_http_client_allow_plain_http (self->client, self->base_url);
  inb_http_client_set_retry_policy (self->client, 1, 0, 0, 0);
  inb_http_client_set_max_body_size (self->client, 64 * 1024 * 1024);

  return self;
}

InbFakeServer *
inb_fake_server_start (const char *script,
                       const char *scenario_json)
{
  return fake_server_start (script, scenario_json, NULL, FALSE);
}

/**
 * inb_fake_server_start_on:
 * @host: an IPv4 address of this machine, e.g. its network interface's
 *
 * Like inb_fake_server_start(), bound to @host instead of loopback: what
 * a server on the local network looks like to a client (plain http to
 * another computer), without reaching the network.
 */
InbFakeServer *
inb_fake_server_start_on (const char *script,
                          const char *scenario_json,
                          const char *host)
{
  g_return_val_if_fail (host != NULL, NULL);

  return fake_server_start (script, scenario_json, host, FALSE);
}

/**
 * inb_fake_server_own_address:
 *
 * Returns: (nullable): an IPv4 address of this machine that is not
 *   loopback (its network interface's), for inb_fake_server_start_on();
 *   %NULL when it has none
 */
char *
inb_fake_server_own_address (void)
{
  struct ifaddrs *list = NULL;
  char *found = NULL;

  if (getifaddrs (&list) != 0)
    return NULL;

  for (struct ifaddrs *i = list; i != NULL && found == NULL; i = i->ifa_next)
    {
      char text[INET_ADDRSTRLEN];
      struct sockaddr_in *in = (struct sockaddr_in *) i->ifa_addr;

      if (in == NULL || in->sin_family != AF_INET || (i->ifa_flags & IFF_UP) == 0 ||
          (i->ifa_flags & IFF_LOOPBACK) != 0 || (ntohl (in->sin_addr.s_addr) >> 24) == 127)
        continue;
      if (inet_ntop (AF_INET, &in->sin_addr, text, sizeof text) != NULL)
        found = g_strdup (text);
    }

  freeifaddrs (list);
  return found;
}

/**
 * inb_fake_server_start_tls:
 *
 * Like inb_fake_server_start(), serving https with the self-signed
 * certificate in tests/fakes/tls/ (which no client should accept). The
 * control routes are unusable then: only the transport can be tested.
 */
InbFakeServer *
inb_fake_server_start_tls (const char *script)
{
  return fake_server_start (script, NULL, NULL, TRUE);
}

void
inb_fake_server_stop (InbFakeServer *self)
{
  if (self == NULL)
    return;

  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_object (&self->process);
  g_clear_object (&self->client);
  g_clear_pointer (&self->requests, json_array_unref);
  g_free (self->base_url);
  g_free (self);
}

const char *
inb_fake_server_get_base_url (InbFakeServer *self)
{
  return self->base_url;
}

char *
inb_fake_server_url (InbFakeServer *self,
                     const char    *path)
{
  return g_strconcat (self->base_url, path, NULL);
}

static JsonNode *
control (InbFakeServer *self,
         const char    *method,
         const char    *path,
         const char    *body)
{
  g_autoptr(InbHttpRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = inb_fake_server_url (self, path);
  guint status = 0;
  JsonNode *node;

  request = inb_http_request_new (method, url);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      inb_http_request_set_body (request, bytes, "application/json");
    }

  node = inb_http_client_send_json (self->client, request, &status, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);

  return node;
}

void
inb_fake_server_script (InbFakeServer *self,
                        const char    *scenario_json)
{
  g_autoptr(JsonNode) node = control (self, "POST", "/_control/script", scenario_json);
}

void
inb_fake_server_reset (InbFakeServer *self)
{
  g_autoptr(JsonNode) node = control (self, "POST", "/_control/reset", "{}");
}

/**
 * inb_fake_server_get_requests:
 *
 * Returns: (transfer none): every request the fake saw, oldest first,
 *   each {"method","path","headers":{},"body_size","body"}
 */
JsonArray *
inb_fake_server_get_requests (InbFakeServer *self)
{
  g_autoptr(JsonNode) node = control (self, "GET", "/_control/requests", NULL);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_clear_pointer (&self->requests, json_array_unref);
  self->requests = json_array_ref (json_node_get_array (node));

  return self->requests;
}

guint
inb_fake_server_count_requests (InbFakeServer *self,
                                const char    *method,
                                const char    *path_prefix)
{
  JsonArray *requests = inb_fake_server_get_requests (self);
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *r = json_array_get_object_element (requests, i);

      if (method != NULL && g_strcmp0 (json_object_get_string_member (r, "method"), method) != 0)
        continue;
      if (path_prefix != NULL && !g_str_has_prefix (json_object_get_string_member (r, "path"), path_prefix))
        continue;
      count++;
    }

  return count;
}

/**
 * inb_fake_server_get_request:
 *
 * Returns: (transfer none): request @index from the last
 *   inb_fake_server_get_requests() snapshot (refreshing it first)
 */
JsonObject *
inb_fake_server_get_request (InbFakeServer *self,
                             guint          index)
{
  JsonArray *requests = inb_fake_server_get_requests (self);

  g_assert_cmpuint (index, <, json_array_get_length (requests));
  return json_array_get_object_element (requests, index);
}

/* Header lookup, case-insensitive. */
const char *
inb_fake_request_get_header (JsonObject *request,
                             const char *name)
{
  JsonObject *headers = json_object_get_object_member (request, "headers");
  g_autoptr(GList) members = json_object_get_members (headers);

  for (GList *l = members; l != NULL; l = l->next)
    {
      if (g_ascii_strcasecmp (l->data, name) == 0)
        return json_object_get_string_member (headers, l->data);
    }

  return NULL;
}
