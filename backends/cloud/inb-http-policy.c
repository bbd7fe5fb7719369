/* inb-http-policy.c — which addresses may be reached, how failures read, what is never shown
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-http"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "inb-backend.h"
#include "inb-http-private.h"

/**
 * inb_http_clamp_retry_after:
 * @retry_after: what CURLINFO_RETRY_AFTER gave: 0 for none, negative for
 *   a date in the past (libcurl 7.88), anything for an absurd header
 *
 * Returns: 0 when there is no hint, otherwise seconds clamped into
 *   [%INB_HTTP_RETRY_AFTER_MIN, %INB_HTTP_RETRY_AFTER_MAX]
 */
gint64
inb_http_clamp_retry_after (gint64 retry_after)
{
  if (retry_after == 0)
    return 0;

  return CLAMP (retry_after, INB_HTTP_RETRY_AFTER_MIN, INB_HTTP_RETRY_AFTER_MAX);
}

gboolean
inb_http_status_is_retryable (guint status)
{
  switch (status)
    {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return TRUE;

    default:
      return FALSE;
    }
}

/**
 * inb_http_set_status_error:
 * @status: an HTTP status of 300 or more
 * @remote_message: (nullable): what the service said, if anything
 *
 * The generic mapping of a failed HTTP status to a user-facing error.
 * Backends that understand the provider's own codes map those first.
 */
void
inb_http_set_status_error (GError     **error,
                           guint        status,
                           const char  *remote_message)
{
  g_autofree char *suffix = NULL;
  InbBackendError code = INB_BACKEND_ERROR_REMOTE;
  const char *text;

  if (remote_message != NULL && *remote_message != '\0')
    {
      g_autofree char *redacted = inb_http_redact_text (remote_message, NULL);

      /* Translators: after an error, what the service said or was doing */
      suffix = g_strdup_printf (_(" (%s)"), redacted);
    }
  else
    suffix = g_strdup ("");

  switch (status)
    {
    case 401:
      code = INB_BACKEND_ERROR_AUTH;
      text = _("The service refused the API key");
      break;

    case 403:
      code = INB_BACKEND_ERROR_AUTH;
      text = _("The service denied access with this API key");
      break;

    case 402:
      text = _("The account has no balance left");
      break;

    case 404:
      text = _("The service does not know this address or task");
      break;

    case 408:
    case 504:
      code = INB_BACKEND_ERROR_NETWORK;
      text = _("The service took too long to answer");
      break;

    case 413:
      code = INB_BACKEND_ERROR_INVALID_INPUT;
      text = _("The request is too large for the service");
      break;

    case 429:
      text = _("The service is rate limiting requests; try again later");
      break;

    default:
      if (status >= 500)
        text = _("The service had an internal error; try again later");
      else if (status >= 400)
        text = _("The service rejected the request");
      else
        text = _("The service sent an unexpected answer");
      break;
    }

  g_set_error (error, INB_BACKEND_ERROR, code, "%s%s [HTTP %u]", text, suffix, status);
}

/* The shortest run after "sk-" taken for a key; keys are far longer. */
#define SK_MIN_LENGTH 8

/* Key characters; Bearer values (token68, JWTs) also take . ~ + / = */
static gboolean
is_token_char (char     c,
               gboolean token68)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' ||
         (token68 && (c == '.' || c == '~' || c == '+' || c == '/' || c == '='));
}

/* Replaces what follows @prefix (at a word start) up to the end of the
 * token with "***", when at least @min_length characters long. */
static void
redact_after_prefix (GString    *text,
                     const char *prefix,
                     gsize       min_length,
                     gboolean    token68)
{
  gsize n = strlen (prefix);

  for (gsize i = 0; i + n <= text->len; i++)
    {
      gsize end;

      if (i > 0 && g_ascii_isalnum (text->str[i - 1]))
        continue;
      if (token68 ? g_ascii_strncasecmp (text->str + i, prefix, n) != 0
                  : strncmp (text->str + i, prefix, n) != 0)
        continue;
      for (end = i + n; end < text->len && is_token_char (text->str[end], token68); end++)
        ;
      while (token68 && end > i + n && text->str[end - 1] == '.')
        end--;   /* the end of a sentence */
      if (end - (i + n) < min_length || g_str_has_prefix (text->str + i + n, "***"))
        continue;
      g_string_erase (text, i + n, end - (i + n));
      g_string_insert (text, i + n, "***");
      i += n + 2;
    }
}

/**
 * inb_http_redact_text:
 * @text: (nullable): what a server said, or a message built from it
 * @secret: (nullable): a key that must never show (the one sent)
 *
 * For every text from a server that is shown or stored (error messages,
 * take.json, stderr, debug logs): @secret wherever it occurs, any
 * `sk-…` token (DashScope's key format, at a word start, 8 characters or
 * more) and any `Bearer …` value become `***`.
 *
 * Returns: (transfer full) (nullable): the redacted copy
 */
char *
inb_http_redact_text (const char *text,
                      const char *secret)
{
  GString *out;

  if (text == NULL)
    return NULL;

  out = g_string_new (text);
  if (secret != NULL && strlen (secret) >= 4)
    g_string_replace (out, secret, "***", 0);
  redact_after_prefix (out, "sk-", SK_MIN_LENGTH, FALSE);
  redact_after_prefix (out, "Bearer ", 1, TRUE);

  return g_string_free (out, FALSE);
}

static const guint8 *
find_bytes (const guint8 *haystack,
            gsize         length,
            const char   *needle,
            gsize         n)
{
  for (gsize i = 0; i + n <= length; i++)
    {
      const guint8 *p = memchr (haystack + i, needle[0], length - n + 1 - i);

      if (p == NULL)
        return NULL;
      if (memcmp (p, needle, n) == 0)
        return p;
      i = p - haystack;
    }
  return NULL;
}

/**
 * inb_http_redact_bytes:
 * @bytes: a body as received
 * @secret: (nullable): the key the client sent
 *
 * Every occurrence of @secret in a body a server sent (a service that
 * echoes the request's headers, or the key in an error) becomes `***`
 * before anyone parses, shows or stores it. Only the exact key: a body
 * is never rewritten on a guess.
 *
 * Returns: (transfer full): @bytes itself when it holds no @secret
 */
GBytes *
inb_http_redact_bytes (GBytes     *bytes,
                       const char *secret)
{
  g_autoptr(GByteArray) out = NULL;
  const guint8 *data;
  gsize length, n, start = 0;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  n = secret != NULL ? strlen (secret) : 0;
  if (n < 4 || data == NULL || find_bytes (data, length, secret, n) == NULL)
    return g_bytes_ref (bytes);

  out = g_byte_array_sized_new (length);
  for (;;)
    {
      const guint8 *hit = find_bytes (data + start, length - start, secret, n);

      if (hit == NULL)
        break;
      g_byte_array_append (out, data + start, hit - (data + start));
      g_byte_array_append (out, (const guint8 *) "***", 3);
      start = (hit - data) + n;
    }
  g_byte_array_append (out, data + start, length - start);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * inb_http_redact_header:
 * @line: one header line, not necessarily nul-terminated
 * @length: its length
 *
 * Returns: (transfer full): the line without line ending, with any
 *   credential replaced by `***` (`Authorization: Bearer ***`)
 */
char *
inb_http_redact_header (const char *line,
                        gsize       length)
{
  static const char * const secret_headers[] = {
    "authorization:", "proxy-authorization:", "x-api-key:", "cookie:", "set-cookie:",
  };
  g_autofree char *copy = NULL;

  while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
    length--;

  copy = g_strndup (line, length);

  for (guint i = 0; i < G_N_ELEMENTS (secret_headers); i++)
    {
      gsize n = strlen (secret_headers[i]);

      if (length >= n && g_ascii_strncasecmp (copy, secret_headers[i], n) == 0)
        {
          const char *value = copy + n;
          g_autofree char *name = g_strndup (copy, n);

          while (*value == ' ' || *value == '\t')
            value++;
          if (g_ascii_strncasecmp (value, "Bearer ", 7) == 0)
            return g_strdup_printf ("%s Bearer ***", name);
          return g_strdup_printf ("%s ***", name);
        }
    }

  return g_steal_pointer (&copy);
}

char *
_inb_http_url_dup_host (const char *url)
{
  CURLU *u;
  char *host = NULL;
  char *result = NULL;

  if (url == NULL)
    return NULL;

  u = curl_url ();
  if (curl_url_set (u, CURLUPART_URL, url, 0) == CURLUE_OK &&
      curl_url_get (u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      host != NULL)
    {
      gsize len = strlen (host);

      if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
        result = g_strndup (host + 1, len - 2);
      else
        result = g_strdup (host);
    }

  curl_free (host);
  curl_url_cleanup (u);

  return result;
}

static char *
url_dup_scheme (const char *url)
{
  CURLU *u;
  char *scheme = NULL;
  char *result = NULL;

  u = curl_url ();
  /* CURLU_NON_SUPPORT_SCHEME: parse "file://", "gopher://"… so we can say no */
  if (curl_url_set (u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
      curl_url_get (u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      scheme != NULL)
    result = g_ascii_strdown (scheme, -1);

  curl_free (scheme);
  curl_url_cleanup (u);

  return result;
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * inb_http_url_is_loopback:
 *
 * Returns: whether @url points at 127.0.0.0/8, ::1 or localhost
 */
gboolean
inb_http_url_is_loopback (const char *url)
{
  g_autofree char *host = _inb_http_url_dup_host (url);

  return host_is_loopback (host);
}

/**
 * inb_http_check_url:
 *
 * The transport policy: https anywhere, http only on loopback, nothing
 * else (no file://, no ftp://, …).
 */
gboolean
inb_http_check_url (const char  *url,
                    GError     **error)
{
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;

  g_return_val_if_fail (url != NULL, FALSE);

  scheme = url_dup_scheme (url);
  if (scheme == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                   _("Not a valid web address"));
      return FALSE;
    }

  if (g_str_equal (scheme, "https"))
    return TRUE;

  if (g_str_equal (scheme, "http"))
    {
      host = _inb_http_url_dup_host (url);
      if (host_is_loopback (host))
        return TRUE;

      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                   _("Refused an unencrypted connection to %s: only https is allowed"),
                   host != NULL ? host : "?");
      return FALSE;
    }

  g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
               _("Refused an address using the “%s” protocol: only https is allowed"),
               scheme);
  return FALSE;
}

gboolean
_inb_http_status_is_redirect (long status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Follows one redirect by hand, checking the new address with the same
 * policy; the key only goes to the host it was meant for. */
gboolean
_inb_http_follow_redirect (char         **url,
                 const char    *location,
                 const char    *original_url,
                 gboolean      *authorize,
                 guint         *hops,
                 GError       **error)
{
  g_autofree char *old_host = NULL;
  g_autofree char *new_host = NULL;

  if (location == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("The service sent a redirect without a destination"));
      return FALSE;
    }

  if (++(*hops) > MAX_REDIRECTS)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("The service redirected too many times"));
      return FALSE;
    }

  if (!inb_http_check_url (location, error))
    return FALSE;

  old_host = _inb_http_url_dup_host (original_url);
  new_host = _inb_http_url_dup_host (location);
  if (g_strcmp0 (old_host, new_host) != 0)
    *authorize = FALSE;

  g_free (*url);
  *url = g_strdup (location);

  return TRUE;
}
