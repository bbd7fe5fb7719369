/* inb-json-limits.c — size, text and depth checked before json-glib parses
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-json"

#include "config.h"

#include "inb-json-limits.h"

/**
 * inb_json_limits_check:
 * @data: (array length=length) (nullable): the bytes to be parsed
 * @length: their count
 * @max_size: the most bytes allowed
 * @max_depth: the deepest nesting of arrays and objects allowed
 *
 * One linear pass, no allocation: the checks that must hold before
 * untrusted JSON (a service's answer, a take.json from disk) reaches
 * json-glib, whose parser recurses without a limit. Brackets inside
 * strings are not counted; escapes are honoured.
 *
 * Returns: %INB_JSON_LIMITS_OK, or the first limit the data breaks
 */
InbJsonLimits
inb_json_limits_check (const char *data,
                       gsize       length,
                       gsize       max_size,
                       guint       max_depth)
{
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  guint depth = 0;

  if (data == NULL || length == 0)
    return INB_JSON_LIMITS_EMPTY;
  if (length > max_size)
    return INB_JSON_LIMITS_TOO_LARGE;
  if (!g_utf8_validate_len (data, length, NULL))
    return INB_JSON_LIMITS_NOT_TEXT;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;

        case '[':
        case '{':
          if (++depth > max_depth)
            return INB_JSON_LIMITS_TOO_DEEP;
          break;

        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;

        case '\0':
          return INB_JSON_LIMITS_NOT_TEXT;

        default:
          break;
        }
    }

  return INB_JSON_LIMITS_OK;
}

/* For logs and tests, never for users. */
const char *
inb_json_limits_to_string (InbJsonLimits result)
{
  switch (result)
    {
    case INB_JSON_LIMITS_OK:
      return "ok";
    case INB_JSON_LIMITS_EMPTY:
      return "empty";
    case INB_JSON_LIMITS_TOO_LARGE:
      return "too large";
    case INB_JSON_LIMITS_NOT_TEXT:
      return "not text";
    case INB_JSON_LIMITS_TOO_DEEP:
      return "too deep";
    default:
      return "unknown";
    }
}
