/* inb-json-limits.c — size, text and depth checked before json-glib parses
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-json"

#include "config.h"

#include <string.h>

#include "inb-json-limits.h"

/* JSON's escapes only: json-glib 1.6 reads its scanner's others too
 * ("\\222" becomes the byte 0x92, "\\x41" 'A'), and turns a lone UTF-16
 * surrogate ("\\ud800") into bytes that are not UTF-8: a string read from
 * such a text would not be text. @at is the backslash of a "\\u"; returns
 * the index after the escape (and its low surrogate), or 0. */
static gsize
read_unicode_escape (const char *data,
                     gsize       length,
                     gsize       at)
{
  guint value = 0;

  if (at + 6 > length)
    return 0;
  for (gsize k = at + 2; k < at + 6; k++)
    {
      if (!g_ascii_isxdigit (data[k]))
        return 0;
      value = value * 16 + g_ascii_xdigit_value (data[k]);
    }
  if (value >= 0xdc00 && value <= 0xdfff)
    return 0;   /* a low surrogate alone */
  if (value >= 0xd800 && value <= 0xdbff)
    {
      /* a high surrogate: a low one must follow */
      if (at + 12 > length || data[at + 6] != '\\' || data[at + 7] != 'u')
        return 0;
      value = 0;
      for (gsize k = at + 8; k < at + 12; k++)
        {
          if (!g_ascii_isxdigit (data[k]))
            return 0;
          value = value * 16 + g_ascii_xdigit_value (data[k]);
        }
      return value >= 0xdc00 && value <= 0xdfff ? at + 12 : 0;
    }
  return at + 6;
}

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
            {
              escaped = FALSE;
              if (c == 'u')
                {
                  gsize after = read_unicode_escape (data, length, i - 1);

                  if (after == 0)
                    return INB_JSON_LIMITS_NOT_TEXT;
                  i = after - 1;
                }
              else if (strchr ("\"\\/bfnrt", c) == NULL || c == '\0')
                return INB_JSON_LIMITS_NOT_TEXT;
            }
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
