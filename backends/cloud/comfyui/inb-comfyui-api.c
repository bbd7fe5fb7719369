/* inb-comfyui-api.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The HTTP side of ComfyUI (../shared/research/comfyui.md §A1), through
 * the hardened client of backends/cloud/inb-http.h: GETs and uploads are
 * retried a little (a local server restarting), the submit never is. Every
 * refusal the server can give is turned into words here: a model file
 * missing from a folder, a node type nobody installed, an output dropped,
 * a prompt that ran out of GPU memory.
 */
#define G_LOG_DOMAIN "inb-comfyui"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "inb-cloud-job.h"
#include "inb-comfyui-api.h"

/* The overall deadline of a call (not of the clip's download) */
#define API_TIMEOUT_S 30
/* A call that goes this long without a byte is given up, unless set */
#define STALL_LIMIT_S 30

struct _InbComfyuiApi
{
  InbHttpClient *client;
  char          *base_url;
  guint          stall_limit;   /* s a call may go without a byte */
  guint          timeout;       /* s a call may take in all */
};

/**
 * inb_comfyui_api_check_address:
 *
 * Whether @base_url can be a ComfyUI server: https anywhere, or plain http
 * to a host the user named (a server of theirs, on their network).
 */
gboolean
inb_comfyui_api_check_address (const char  *base_url,
                               GError     **error)
{
  g_autoptr(GUri) uri = base_url != NULL ? g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri != NULL && g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 &&
      g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' && g_uri_get_userinfo (uri) == NULL)
    return TRUE;

  return inb_http_check_url (base_url, error);
}

/**
 * inb_comfyui_api_address_warning:
 *
 * Returns: (nullable): what to tell the user about @base_url: plain http
 *   off this computer can be read on the network
 */
char *
inb_comfyui_api_address_warning (const char *base_url)
{
  if (base_url == NULL || inb_http_url_is_loopback (base_url) ||
      g_ascii_strncasecmp (base_url, "http:", 5) != 0)
    return NULL;

  return g_strdup_printf (_("%s is plain http to another computer: anyone on the network can see the "
                            "keyframes and clips"), base_url);
}

/**
 * inb_comfyui_api_new:
 * @base_url: the server ("http://127.0.0.1:8188"; a trailing slash is dropped)
 */
InbComfyuiApi *
inb_comfyui_api_new (const char *base_url)
{
  InbComfyuiApi *api = g_new0 (InbComfyuiApi, 1);
  gsize len;

  api->base_url = g_strdup (base_url);
  len = strlen (api->base_url);
  while (len > 0 && api->base_url[len - 1] == '/')
    api->base_url[--len] = '\0';

  api->client = inb_http_client_new ();
  /* The address is the user's (typed, or in the environment): plain http
   * to it is theirs to choose, with a warning off this computer */
  inb_http_client_allow_plain_http (api->client, api->base_url);
  /* A server of the user's own: few, quick retries (it is up or it is not) */
  inb_http_client_set_connect_timeout (api->client, 5);
  inb_http_client_set_api_timeout (api->client, API_TIMEOUT_S);
  api->stall_limit = STALL_LIMIT_S;
  api->timeout = API_TIMEOUT_S;
  inb_http_client_set_low_speed (api->client, 1024, api->stall_limit);
  inb_http_client_set_retry_policy (api->client, 3, 300, 2000, 20);

  return api;
}

/**
 * inb_comfyui_api_set_stall_limit:
 *
 * A server that took a request and sends nothing is given up on after
 * @seconds (curl's low-speed abort; below 1 KiB/s counts as nothing). A
 * limit above the calls' overall 30 s deadline moves that deadline too:
 * otherwise the deadline, not the limit, would end a stall.
 */
void
inb_comfyui_api_set_stall_limit (InbComfyuiApi *api,
                                 guint          seconds)
{
  g_return_if_fail (seconds > 0);

  api->stall_limit = seconds;
  api->timeout = MAX (API_TIMEOUT_S, seconds);
  inb_http_client_set_low_speed (api->client, 1024, api->stall_limit);
  inb_http_client_set_api_timeout (api->client, api->timeout);
}

/**
 * inb_comfyui_api_set_timeout:
 *
 * The overall deadline of one call (30 s, or the stall limit if longer,
 * unless set): a quick health check asks for less.
 */
void
inb_comfyui_api_set_timeout (InbComfyuiApi *api,
                             guint          seconds)
{
  g_return_if_fail (seconds > 0);

  api->timeout = seconds;
  inb_http_client_set_api_timeout (api->client, api->timeout);
}

void
inb_comfyui_api_free (InbComfyuiApi *api)
{
  if (api == NULL)
    return;

  g_clear_object (&api->client);
  g_free (api->base_url);
  g_free (api);
}

const char *
inb_comfyui_api_get_base_url (InbComfyuiApi *api)
{
  return api->base_url;
}

InbHttpClient *
inb_comfyui_api_get_client (InbComfyuiApi *api)
{
  return api->client;
}

static char *
api_url (InbComfyuiApi *api,
         const char    *path)
{
  return g_strconcat (api->base_url, path, NULL);
}

/**
 * inb_comfyui_api_describe_error:
 * @stalled: the server accepted the connection, then sent nothing
 *   (inb_http_client_get_n_stalls() went up during the call)
 */
char *
inb_comfyui_api_describe_error (InbComfyuiApi *api,
                                const GError  *error,
                                gboolean       stalled)
{
  if (stalled && g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK))
    /* Translators: an address, then a number of seconds. Not "nothing
     * answers": something took the call, and then said nothing. */
    return g_strdup_printf (_("ComfyUI at %s accepted the connection but did not answer within %u s"),
                            api->base_url, MIN (api->stall_limit, api->timeout));

  if (g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK))
    /* Translators: an address, then why, e.g. "Could not connect to 127.0.0.1" */
    return g_strdup_printf (_("Nothing answers at %s: is ComfyUI running there? (%s)"),
                            api->base_url, error->message);

  return g_strdup (error->message);
}

/* Network trouble said with the address (a stall as a stall); other
 * errors as they are. */
static void
propagate (InbComfyuiApi  *api,
           GError        **dest,
           GError         *error,
           gboolean        stalled)
{
  if (g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK))
    {
      g_autofree char *message = inb_comfyui_api_describe_error (api, error, stalled);

      g_set_error_literal (dest, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK, message);
      g_error_free (error);
      return;
    }

  g_propagate_error (dest, error);
}

/* Sends @request; its failure said as propagate() says it. */
static InbHttpResponse *
api_send (InbComfyuiApi   *api,
          InbHttpRequest  *request,
          GCancellable    *cancellable,
          GError         **error)
{
  guint stalls = inb_http_client_get_n_stalls (api->client);
  GError *local_error = NULL;
  InbHttpResponse *response;

  response = inb_http_client_send (api->client, request, cancellable, &local_error);
  if (response == NULL)
    propagate (api, error, local_error, inb_http_client_get_n_stalls (api->client) != stalls);

  return response;
}

/* GET @path as JSON; @status: the HTTP status. */
static JsonNode *
get_json (InbComfyuiApi  *api,
          const char     *path,
          guint          *status,
          GCancellable   *cancellable,
          GError        **error)
{
  g_autofree char *url = api_url (api, path);
  g_autoptr(InbHttpRequest) request = inb_http_request_new ("GET", url);
  g_autoptr(InbHttpResponse) response = NULL;
  GError *local_error = NULL;
  JsonNode *node;

  response = api_send (api, request, cancellable, error);
  if (response == NULL)
    return NULL;

  *status = inb_http_response_get_status (response);
  if (*status == 404)
    return NULL;   /* the caller decides what a 404 means */

  node = inb_http_response_parse_json (response, &local_error);
  if (node == NULL || *status >= 300)
    {
      g_clear_pointer (&node, json_node_unref);
      g_clear_error (&local_error);
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   /* Translators: an address, a path and an HTTP status */
                   _("%s answered %s with HTTP %u, not like ComfyUI"), api->base_url, path, *status);
      return NULL;
    }

  return node;
}

/* Sends @body (JSON) with @method; the answer's status in @status and its
 * JSON (or %NULL) in @answer. */
static gboolean
post_json (InbComfyuiApi  *api,
           const char     *path,
           JsonNode       *body,
           gboolean        idempotent,
           guint          *status,
           JsonNode      **answer,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autofree char *url = api_url (api, path);
  g_autoptr(InbHttpRequest) request = inb_http_request_new ("POST", url);
  g_autoptr(InbHttpResponse) response = NULL;

  if (body != NULL)
    inb_http_request_set_json_body (request, body);
  inb_http_request_set_idempotent (request, idempotent);

  response = api_send (api, request, cancellable, error);
  if (response == NULL)
    return FALSE;

  *status = inb_http_response_get_status (response);
  if (answer != NULL)
    *answer = inb_http_response_parse_json (response, NULL);

  return TRUE;
}

/* Health -------------------------------------------------------------------- */

/* "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync" → "NVIDIA GeForce RTX 4090" */
static char *
clean_device_name (const char *name)
{
  g_autofree char *copy = g_strdup (name);
  char *start = copy;
  char *colon;
  char *space = strchr (copy, ' ');

  if (space != NULL && (colon = strchr (copy, ':')) != NULL && colon < space)
    start = space + 1;

  colon = strstr (start, " : ");
  if (colon != NULL)
    *colon = '\0';

  return g_strstrip (g_strdup (start));
}

/**
 * inb_comfyui_api_check:
 *
 * Asks /system_stats. An address where nothing answers, or where
 * something other than ComfyUI does, is a status, not an error.
 *
 * Returns: (transfer full): the status, or %NULL when cancelled
 */
InbBackendStatus *
inb_comfyui_api_check (InbComfyuiApi  *api,
                       GCancellable   *cancellable,
                       GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GString) summary = g_string_new ("ComfyUI");
  g_autofree char *warning = inb_comfyui_api_address_warning (api->base_url);
  JsonObject *root, *system;
  JsonArray *devices;
  const char *version;
  guint status = 0;

  node = get_json (api, "/system_stats", &status, cancellable, &local_error);
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *message = NULL;

      if (local_error != NULL)
        message = g_strdup (local_error->message);
      else
        message = g_strdup_printf (_("Something answers at %s, but not like ComfyUI (HTTP %u on /system_stats)"),
                                   api->base_url, status);
      return inb_backend_status_new (FALSE, message, warning);
    }

  root = json_node_get_object (node);
  system = inb_json_get_object (root, "system");
  version = inb_json_get_string (system, "comfyui_version");
  if (version != NULL && *version != '\0')
    g_string_append_printf (summary, " %s", version);

  devices = inb_json_get_array (root, "devices");
  if (devices != NULL && json_array_get_length (devices) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (devices, 0)))
    {
      JsonObject *device = json_array_get_object_element (devices, 0);
      const char *name = inb_json_get_string (device, "name");
      gint64 vram_free = -1;

      if (name != NULL)
        {
          g_autofree char *clean = clean_device_name (name);
          g_string_append_printf (summary, " · %s", clean);
        }
      if (inb_json_get_int (device, "vram_free", &vram_free) && vram_free >= 0 &&
          g_strcmp0 (inb_json_get_string (device, "type"), "cpu") != 0)
        {
          g_autofree char *size = g_format_size ((guint64) vram_free);
          /* Translators: free GPU memory, e.g. "20.1 GB free" */
          g_string_append (summary, " · ");
          g_string_append_printf (summary, _("%s free"), size);
        }
    }

  return inb_backend_status_new (TRUE, summary->str, warning);
}

/* Pre-flight ---------------------------------------------------------------- */

gboolean
inb_comfyui_api_get_class (InbComfyuiApi  *api,
                           const char     *klass,
                           JsonObject    **spec,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autofree char *escaped = g_uri_escape_string (klass, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/object_info/", escaped, NULL);
  g_autoptr(JsonNode) node = NULL;
  GError *local_error = NULL;
  JsonObject *entry;
  guint status = 0;

  *spec = NULL;
  node = get_json (api, path, &status, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  /* An unknown class: {} (or a 404 on some builds) */
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;

  entry = inb_json_get_object (json_node_get_object (node), klass);
  if (entry != NULL)
    *spec = json_object_ref (entry);

  return TRUE;
}

GStrv
inb_comfyui_api_list_models (InbComfyuiApi  *api,
                             const char     *folder,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autofree char *escaped = g_uri_escape_string (folder, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/models/", escaped, NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  GError *local_error = NULL;
  JsonArray *array;
  guint status = 0;

  node = get_json (api, path, &status, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (node == NULL)
    return NULL;   /* no such folder here */

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("ComfyUI sent a model list for %s that is not a list"), folder);
      return NULL;
    }

  builder = g_strv_builder_new ();
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }

  return g_strv_builder_end (builder);
}

/* Upload -------------------------------------------------------------------- */

static void
append_field (GByteArray *body,
              const char *boundary,
              const char *name,
              const char *value)
{
  g_autofree char *part = g_strdup_printf ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
                                           boundary, name, value);

  g_byte_array_append (body, (const guint8 *) part, strlen (part));
}

char *
inb_comfyui_api_upload_image (InbComfyuiApi  *api,
                              GBytes         *png,
                              const char     *filename,
                              GCancellable   *cancellable,
                              GError        **error)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(InbHttpRequest) request = NULL;
  g_autoptr(InbHttpResponse) response = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *url = api_url (api, "/upload/image");
  g_autofree char *boundary = g_strdup_printf ("inbetween-%08x%08x", g_random_int (), g_random_int ());
  g_autofree char *head = NULL;
  g_autofree char *tail = g_strdup_printf ("\r\n--%s--\r\n", boundary);
  g_autofree char *content_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  JsonObject *answer;
  const char *name, *subfolder;
  guint status;

  append_field (body, boundary, "type", "input");
  append_field (body, boundary, "overwrite", "false");
  head = g_strdup_printf ("--%s\r\nContent-Disposition: form-data; name=\"image\"; filename=\"%s\"\r\n"
                          "Content-Type: image/png\r\n\r\n", boundary, filename);
  g_byte_array_append (body, (const guint8 *) head, strlen (head));
  g_byte_array_append (body, g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  g_byte_array_append (body, (const guint8 *) tail, strlen (tail));
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&body));

  request = inb_http_request_new ("POST", url);
  inb_http_request_set_body (request, bytes, content_type);
  /* The same bytes again are recognised by their hash (or saved as
   * "name (1).png"): nothing is spent, so it may be retried */
  inb_http_request_set_idempotent (request, TRUE);

  response = api_send (api, request, cancellable, error);
  if (response == NULL)
    return NULL;

  status = inb_http_response_get_status (response);
  if (status == 413)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("ComfyUI refused the keyframe as too large (its --max-upload-size)"));
      return NULL;
    }
  node = inb_http_response_parse_json (response, NULL);
  answer = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  name = inb_json_get_string (answer, "name");
  subfolder = inb_json_get_string (answer, "subfolder");
  if (status != 200 || name == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("ComfyUI did not take the keyframe (HTTP %u)"), status);
      return NULL;
    }

  if (!inb_comfyui_check_name (_("file name"), name, FALSE, error) ||
      !inb_comfyui_check_name (_("folder"), subfolder != NULL ? subfolder : "", TRUE, error))
    return NULL;

  /* The name it answers is the one to use: "first (1).png" after a clash */
  if (subfolder != NULL && *subfolder != '\0')
    return g_strdup_printf ("%s/%s", subfolder, name);

  return g_strdup (name);
}

/* Submit -------------------------------------------------------------------- */

/* The model folder an input of a loader lists. */
static const char *
folder_of (const char *klass,
           const char *input)
{
  static const struct { const char *klass, *input, *folder; } folders[] = {
    { "UNETLoader", "unet_name", "diffusion_models" },
    { "CLIPLoader", "clip_name", "text_encoders" },
    { "DualCLIPLoader", "clip_name1", "text_encoders" },
    { "DualCLIPLoader", "clip_name2", "text_encoders" },
    { "VAELoader", "vae_name", "vae" },
    { "CLIPVisionLoader", "clip_name", "clip_vision" },
    { "LoraLoaderModelOnly", "lora_name", "loras" },
    { "LoraLoader", "lora_name", "loras" },
    { "CheckpointLoaderSimple", "ckpt_name", "checkpoints" },
    { "UpscaleModelLoader", "model_name", "upscale_models" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    if (g_strcmp0 (folders[i].klass, klass) == 0 && g_strcmp0 (folders[i].input, input) == 0)
      return folders[i].folder;

  return NULL;
}

/* One error of node_errors[id].errors as a phrase: the missing file and
 * its folder, or the server's message and details. *@missing: whether it
 * is a missing file (said without the node). */
static char *
describe_error_phrase (const char *klass,
                       JsonObject *e,
                       gboolean   *missing)
{
  JsonObject *extra = inb_json_get_object (e, "extra_info");
  const char *type = inb_json_get_string (e, "type");
  const char *message = inb_json_get_string (e, "message");
  const char *details = inb_json_get_string (e, "details");
  const char *input = inb_json_get_string (extra, "input_name");
  JsonNode *received = extra != NULL && json_object_has_member (extra, "received_value")
                       ? json_object_get_member (extra, "received_value") : NULL;
  const char *value = received != NULL && JSON_NODE_HOLDS_VALUE (received) &&
                      json_node_get_value_type (received) == G_TYPE_STRING ? json_node_get_string (received) : NULL;
  const char *folder = folder_of (klass, input);

  if (missing != NULL)
    *missing = TRUE;
  if (g_strcmp0 (type, "value_not_in_list") == 0 && folder != NULL && value != NULL)
    /* Translators: a model file, then a folder: "x.safetensors is not in diffusion_models on the server" */
    return g_strdup_printf (_("%s is not in %s on the server"), value, folder);
  if (g_strcmp0 (type, "value_not_in_list") == 0 && g_strcmp0 (klass, "LoadImage") == 0 && value != NULL)
    return g_strdup_printf (_("The keyframe %s is not in ComfyUI's input folder"), value);

  if (missing != NULL)
    *missing = FALSE;
  return g_strdup_printf ("%s%s%s", message != NULL ? message : type != NULL ? type : "?",
                          details != NULL && *details != '\0' ? ": " : "", details != NULL ? details : "");
}

/* One node's errors (node_errors[id]) in words, each on its own line:
 * a missing file as it is, anything else after the node it is about. */
static void
describe_node_errors (GString    *text,
                      const char *node_id,
                      JsonObject *entry)
{
  const char *klass = inb_json_get_string (entry, "class_type");
  JsonArray *errors = inb_json_get_array (entry, "errors");

  for (guint i = 0; errors != NULL && i < json_array_get_length (errors); i++)
    {
      JsonNode *item = json_array_get_element (errors, i);
      JsonObject *e = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      gboolean missing;
      g_autofree char *phrase = describe_error_phrase (klass, e, &missing);

      if (text->len > 0)
        g_string_append (text, "\n");

      if (missing)
        g_string_append (text, phrase);
      else
        g_string_append_printf (text, "%s %s (%s): %s", _("Node"), node_id, klass != NULL ? klass : "?", phrase);
    }
}

static char *
describe_all_node_errors (JsonObject *node_errors)
{
  g_autoptr(GList) ids = node_errors != NULL ? json_object_get_members (node_errors) : NULL;
  GString *text = g_string_new (NULL);

  ids = g_list_sort (ids, (GCompareFunc) g_strcmp0);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *entry = inb_json_get_object (node_errors, l->data);

      if (entry != NULL)
        describe_node_errors (text, l->data, entry);
    }

  return g_string_free (text, text->len == 0);
}

/* Node ids in a GPtrArray, by number where they are numbers */
static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  const char *x = *(const char * const *) a;
  const char *y = *(const char * const *) b;
  guint64 nx, ny;

  if (g_ascii_string_to_unsigned (x, 10, 0, G_MAXUINT32, &nx, NULL) &&
      g_ascii_string_to_unsigned (y, 10, 0, G_MAXUINT32, &ny, NULL) && nx != ny)
    return nx < ny ? -1 : 1;

  return g_strcmp0 (x, y);
}

static gboolean
lists_output (JsonObject *entry,
              const char *output)
{
  JsonArray *outputs = inb_json_get_array (entry, "dependent_outputs");

  for (guint i = 0; outputs != NULL && i < json_array_get_length (outputs); i++)
    {
      JsonNode *node = json_array_get_element (outputs, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          g_strcmp0 (json_node_get_string (node), output) == 0)
        return TRUE;
    }

  return FALSE;
}

/**
 * inb_comfyui_describe_dropped:
 * @node_errors: (nullable): node_errors of a 200 answer to /prompt
 * @graph: (nullable): the graph submitted (the class of each output)
 *
 * The outputs ComfyUI dropped, and why, as one sentence an artist reads:
 * "ComfyUI dropped 1 output: node 12 (SaveImage) — Required input is
 * missing: images". An output is named by the node_errors entries whose
 * dependent_outputs list it (the error may sit on a node above it); a
 * server that lists none names the nodes in error instead.
 *
 * Returns: (transfer full) (nullable): the sentence, %NULL when nothing
 *   was dropped
 */
char *
inb_comfyui_describe_dropped (JsonObject *node_errors,
                              JsonObject *graph)
{
  g_autoptr(GList) ids = node_errors != NULL ? json_object_get_members (node_errors) : NULL;
  g_autoptr(GPtrArray) outputs = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean by_output = FALSE;

  ids = g_list_sort (ids, (GCompareFunc) g_strcmp0);

  /* The outputs dropped, each once, in node order */
  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonArray *dependent = inb_json_get_array (inb_json_get_object (node_errors, l->data), "dependent_outputs");

      for (guint i = 0; dependent != NULL && i < json_array_get_length (dependent); i++)
        {
          JsonNode *node = json_array_get_element (dependent, i);
          const char *output;

          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            continue;
          output = json_node_get_string (node);
          by_output = TRUE;
          if (!g_ptr_array_find_with_equal_func (outputs, output, g_str_equal, NULL))
            g_ptr_array_add (outputs, (gpointer) output);
        }
    }
  if (!by_output)
    for (GList *l = ids; l != NULL; l = l->next)
      if (inb_json_get_object (node_errors, l->data) != NULL)
        g_ptr_array_add (outputs, l->data);
  if (outputs->len == 0)
    return NULL;
  g_ptr_array_sort (outputs, compare_ids);

  for (guint o = 0; o < outputs->len; o++)
    {
      const char *output = g_ptr_array_index (outputs, o);
      JsonObject *output_entry = inb_json_get_object (node_errors, output);
      const char *klass = inb_json_get_string (inb_json_get_object (graph, output), "class_type");
      g_autoptr(GString) reasons = g_string_new (NULL);

      if (klass == NULL)
        klass = inb_json_get_string (output_entry, "class_type");

      for (GList *l = ids; l != NULL; l = l->next)
        {
          JsonObject *entry = inb_json_get_object (node_errors, l->data);
          const char *entry_class = inb_json_get_string (entry, "class_type");
          JsonArray *errors = inb_json_get_array (entry, "errors");
          gboolean own = g_str_equal (l->data, output);

          if (entry == NULL || (!own && (!by_output || !lists_output (entry, output))))
            continue;

          for (guint i = 0; errors != NULL && i < json_array_get_length (errors); i++)
            {
              JsonNode *item = json_array_get_element (errors, i);
              g_autofree char *phrase = NULL;

              if (!JSON_NODE_HOLDS_OBJECT (item))
                continue;
              phrase = describe_error_phrase (entry_class, json_node_get_object (item), NULL);
              if (reasons->len > 0)
                g_string_append (reasons, ", ");
              if (own || strstr (phrase, " on the server") != NULL || strstr (phrase, "ComfyUI's input") != NULL)
                g_string_append (reasons, phrase);
              else
                /* Translators: the node in error above a dropped output, then
                 * why: "node 95 (LoraLoaderModelOnly): Value not in list: …" */
                g_string_append_printf (reasons, _("node %s (%s): %s"), (const char *) l->data,
                                        entry_class != NULL ? entry_class : "?", phrase);
            }
        }

      if (text->len > 0)
        g_string_append (text, "; ");
      if (reasons->len > 0)
        /* Translators: one output ComfyUI dropped, then why: "node 12
         * (SaveImage) — Required input is missing: images" */
        g_string_append_printf (text, _("node %s (%s) — %s"), output, klass != NULL ? klass : "?", reasons->str);
      else
        g_string_append_printf (text, _("node %s (%s)"), output, klass != NULL ? klass : "?");
    }

  /* Translators: then the outputs and why, "node 12 (SaveImage) — Required input is missing: images" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "ComfyUI dropped %u output: %s",
                                       "ComfyUI dropped %u outputs: %s", outputs->len),
                          outputs->len, text->str);
}

/* A 400 answer to /prompt in words. */
static void
set_prompt_error (GError     **error,
                  JsonObject  *root,
                  guint        status)
{
  JsonObject *e = inb_json_get_object (root, "error");
  JsonObject *extra = inb_json_get_object (e, "extra_info");
  const char *type = inb_json_get_string (e, "type");
  const char *message = inb_json_get_string (e, "message");
  g_autofree char *nodes = describe_all_node_errors (inb_json_get_object (root, "node_errors"));
  const char *klass = inb_json_get_string (extra, "class_type");
  g_autofree char *named = NULL;

  if (g_strcmp0 (type, "missing_node_type") == 0 ||
      (g_strcmp0 (type, "invalid_prompt") == 0 && message != NULL && strstr (message, "does not exist") != NULL))
    {
      /* An older server names the class only in its message:
       * "Cannot execute because node X does not exist." */
      if (klass == NULL && message != NULL)
        {
          g_autoptr(GRegex) regex = g_regex_new ("node (\\S+) does not exist", 0, 0, NULL);
          g_autoptr(GMatchInfo) match = NULL;

          if (g_regex_match (regex, message, 0, &match))
            klass = named = g_match_info_fetch (match, 1);
        }
      if (klass != NULL)
        g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                     _("ComfyUI has no node “%s”: install the custom node that provides it "
                       "(ComfyUI Manager can find it), then restart ComfyUI. Nothing was queued."), klass);
      else
        g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                     _("ComfyUI is missing a node the workflow uses: %s. Nothing was queued."),
                     message != NULL ? message : "?");
    }
  else if (nodes != NULL)
    g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                 _("ComfyUI refused the workflow; nothing was queued:\n%s"), nodes);
  else if (g_strcmp0 (type, "prompt_no_outputs") == 0)
    g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                         _("The workflow has no output node (such as Save Video); nothing was queued"));
  else
    {
      const char *details = inb_json_get_string (e, "details");

      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("ComfyUI refused the workflow (HTTP %u): %s%s%s. Nothing was queued."), status,
                   message != NULL ? message : type != NULL ? type : _("no reason given"),
                   details != NULL && *details != '\0' ? ": " : "", details != NULL ? details : "");
    }
}

/**
 * inb_comfyui_api_submit:
 *
 * Errors: %INB_BACKEND_ERROR_INVALID_INPUT when the server refused the
 * graph (nothing queued, in words); %INB_BACKEND_ERROR_SUBMIT_UNKNOWN
 * when it may have been queued without an answer;
 * %INB_BACKEND_ERROR_NETWORK when it never reached the server.
 */
gboolean
inb_comfyui_api_submit (InbComfyuiApi  *api,
                        JsonObject     *graph,
                        const char     *prompt_id,
                        const char     *client_id,
                        const char     *output_node,
                        char          **accepted_id,
                        char          **dropped,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) graph_node = json_node_init_object (json_node_alloc (), graph);
  g_autofree char *nodes = NULL;
  JsonObject *root;
  const char *id;
  guint status = 0;

  *accepted_id = NULL;
  *dropped = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt");
  json_builder_add_value (builder, json_node_ref (graph_node));
  json_builder_set_member_name (builder, "prompt_id");
  json_builder_add_string_value (builder, prompt_id);
  json_builder_set_member_name (builder, "client_id");
  json_builder_add_string_value (builder, client_id);
  json_builder_set_member_name (builder, "extra_data");
  json_builder_begin_object (builder);
  /* Previews while sampling: TAESD when the server has it, else latent2rgb */
  json_builder_set_member_name (builder, "preview_method");
  json_builder_add_string_value (builder, "auto");
  json_builder_set_member_name (builder, "client_id");
  json_builder_add_string_value (builder, client_id);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  /* Never sent twice: a lost answer is SUBMIT_UNKNOWN, found again by id */
  if (!post_json (api, "/prompt", body, FALSE, &status, &answer, cancellable, error))
    return FALSE;

  root = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;

  if (status == 400)
    {
      set_prompt_error (error, root, status);
      return FALSE;
    }

  if (status != 200 || root == NULL)
    {
      /* A 5xx after the body went out: it may or may not be queued */
      g_set_error (error, INB_BACKEND_ERROR, status >= 500 || root == NULL
                   ? INB_BACKEND_ERROR_SUBMIT_UNKNOWN : INB_BACKEND_ERROR_REMOTE,
                   _("ComfyUI answered the submit with HTTP %u"), status);
      return FALSE;
    }

  id = inb_json_get_string (root, "prompt_id");
  *accepted_id = g_strdup (id != NULL && *id != '\0' && strlen (id) <= 128 ? id : prompt_id);
  if (id != NULL && g_strcmp0 (id, prompt_id) != 0)
    g_debug ("ComfyUI ignored our prompt id %s and uses %s", prompt_id, id);

  nodes = describe_all_node_errors (inb_json_get_object (root, "node_errors"));
  if (nodes != NULL && output_node != NULL &&
      inb_json_get_object (inb_json_get_object (root, "node_errors"), output_node) != NULL)
    {
      /* Queued, but not the output we want: take it back out */
      g_autoptr(GCancellable) own = g_cancellable_new ();

      inb_comfyui_api_cancel (api, *accepted_id, own, NULL);
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("ComfyUI dropped the workflow's output node %s, so it was taken out of the queue:\n%s"),
                   output_node, nodes);
      return FALSE;
    }
  if (nodes != NULL)
    *dropped = inb_comfyui_describe_dropped (inb_json_get_object (root, "node_errors"), graph);

  return TRUE;
}

/* Following ----------------------------------------------------------------- */

JsonObject *
inb_comfyui_api_get_history (InbComfyuiApi  *api,
                             const char     *prompt_id,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autofree char *escaped = g_uri_escape_string (prompt_id, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/history/", escaped, NULL);
  g_autoptr(JsonNode) node = NULL;
  GError *local_error = NULL;
  JsonObject *entry;
  guint status = 0;

  node = get_json (api, path, &status, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  /* {} until the prompt is done */
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  entry = inb_json_get_object (json_node_get_object (node), prompt_id);
  return entry != NULL ? json_object_ref (entry) : NULL;
}

/* [number, prompt_id, prompt, extra_data, outputs] */
static const char *
queue_item_id (JsonNode *item,
               double   *number)
{
  JsonArray *array = JSON_NODE_HOLDS_ARRAY (item) ? json_node_get_array (item) : NULL;
  JsonNode *n, *id;

  if (array == NULL || json_array_get_length (array) < 2)
    return NULL;

  n = json_array_get_element (array, 0);
  id = json_array_get_element (array, 1);
  if (JSON_NODE_HOLDS_VALUE (n) &&
      (json_node_get_value_type (n) == G_TYPE_INT64 || json_node_get_value_type (n) == G_TYPE_DOUBLE))
    *number = json_node_get_double (n);

  if (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (id);
}

gboolean
inb_comfyui_api_find_in_queue (InbComfyuiApi        *api,
                               const char           *prompt_id,
                               InbComfyuiQueueState *state,
                               guint                *ahead,
                               GCancellable         *cancellable,
                               GError              **error)
{
  g_autoptr(JsonNode) node = NULL;
  GError *local_error = NULL;
  JsonObject *root;
  JsonArray *running, *pending;
  double mine = 0;
  gboolean found = FALSE;
  guint status = 0;

  *state = INB_COMFYUI_QUEUE_NONE;
  *ahead = 0;

  node = get_json (api, "/queue", &status, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("%s has no queue: is it ComfyUI?"), api->base_url);
      return FALSE;
    }

  root = json_node_get_object (node);
  running = inb_json_get_array (root, "queue_running");
  pending = inb_json_get_array (root, "queue_pending");

  for (guint i = 0; running != NULL && i < json_array_get_length (running); i++)
    {
      double number = 0;

      if (g_strcmp0 (queue_item_id (json_array_get_element (running, i), &number), prompt_id) == 0)
        {
          *state = INB_COMFYUI_QUEUE_RUNNING;
          return TRUE;
        }
    }

  for (guint i = 0; pending != NULL && i < json_array_get_length (pending); i++)
    {
      double number = 0;

      if (g_strcmp0 (queue_item_id (json_array_get_element (pending, i), &number), prompt_id) == 0)
        {
          *state = INB_COMFYUI_QUEUE_PENDING;
          mine = number;
          found = TRUE;
          break;
        }
    }

  /* Pending is a heap, not sorted: count the ones that run first */
  if (found)
    {
      *ahead = running != NULL ? json_array_get_length (running) : 0;
      for (guint i = 0; pending != NULL && i < json_array_get_length (pending); i++)
        {
          double number = G_MAXDOUBLE;
          const char *id = queue_item_id (json_array_get_element (pending, i), &number);

          if (id != NULL && g_strcmp0 (id, prompt_id) != 0 && number < mine)
            (*ahead)++;
        }
    }

  return TRUE;
}

gboolean
inb_comfyui_api_cancel (InbComfyuiApi  *api,
                        const char     *prompt_id,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_autofree char *escaped = g_uri_escape_string (prompt_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/jobs/%s/cancel", escaped);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  InbComfyuiQueueState state;
  guint status = 0;
  guint ahead;

  /* The jobs API: atomic (running → interrupted, pending → dequeued) */
  body = json_node_init_object (json_node_alloc (), json_object_new ());
  json_object_unref (json_node_get_object (body));
  if (!post_json (api, path, body, FALSE, &status, &answer, cancellable, error))
    return FALSE;
  g_clear_pointer (&body, json_node_unref);
  if (status == 200)
    return TRUE;

  /* Older servers: look where it is, then dequeue or interrupt it alone */
  if (!inb_comfyui_api_find_in_queue (api, prompt_id, &state, &ahead, cancellable, error))
    return FALSE;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  if (state == INB_COMFYUI_QUEUE_PENDING)
    {
      json_builder_set_member_name (builder, "delete");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, prompt_id);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
      return post_json (api, "/queue", body, FALSE, &status, NULL, cancellable, error);
    }
  if (state == INB_COMFYUI_QUEUE_RUNNING)
    {
      /* Only when it is ours that runs: an older server interrupts
       * whatever runs, whoever sent it */
      json_builder_set_member_name (builder, "prompt_id");
      json_builder_add_string_value (builder, prompt_id);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
      return post_json (api, "/interrupt", body, FALSE, &status, NULL, cancellable, error);
    }

  return TRUE;   /* already gone */
}

char *
inb_comfyui_api_view_url (InbComfyuiApi        *api,
                          const InbComfyuiFile *file)
{
  g_autofree char *name = g_uri_escape_string (file->filename, NULL, FALSE);
  g_autofree char *subfolder = g_uri_escape_string (file->subfolder, NULL, FALSE);
  g_autofree char *type = g_uri_escape_string (file->type, NULL, FALSE);

  return g_strdup_printf ("%s/view?filename=%s&subfolder=%s&type=%s", api->base_url, name, subfolder, type);
}

/* Errors of a run ------------------------------------------------------------ */

static gboolean
is_out_of_memory (const char *type,
                  const char *message)
{
  g_autofree char *lower = message != NULL ? g_ascii_strdown (message, -1) : NULL;

  return (type != NULL && strstr (type, "OutOfMemory") != NULL) ||
         (lower != NULL && (strstr (lower, "out of memory") != NULL ||
                            strstr (lower, "allocation on device") != NULL));
}

/**
 * inb_comfyui_describe_execution_error:
 * @data: an execution_error message's data (the websocket's, or the
 *   history's status message)
 *
 * Returns: (transfer full): what went wrong, with what to do when the GPU
 *   ran out of memory
 */
char *
inb_comfyui_describe_execution_error (JsonObject *data)
{
  const char *type = inb_json_get_string (data, "exception_type");
  const char *message = inb_json_get_string (data, "exception_message");
  const char *node_type = inb_json_get_string (data, "node_type");
  const char *node_id = inb_json_get_string (data, "node_id");
  g_autofree char *first_line = NULL;

  if (message != NULL)
    {
      const char *nl = strchr (message, '\n');

      first_line = g_strstrip (nl != NULL ? g_strndup (message, nl - message) : g_strdup (message));
    }

  if (is_out_of_memory (type, message))
    /* Translators: a node type and id, then the server's message */
    return g_strdup_printf (_("ComfyUI ran out of GPU memory in %s (node %s): %s. Try a smaller size or a "
                              "shorter clip, or Wan 2.2 Lightning."),
                            node_type != NULL ? node_type : "?", node_id != NULL ? node_id : "?",
                            first_line != NULL ? first_line : type);

  return g_strdup_printf (_("ComfyUI failed in %s (node %s): %s"),
                          node_type != NULL ? node_type : "?", node_id != NULL ? node_id : "?",
                          first_line != NULL && *first_line != '\0' ? first_line
                          : type != NULL ? type : _("no message"));
}
