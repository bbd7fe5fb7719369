/* inb-request-builder.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-request-builder"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-request-builder.h"

InbRequest *
inb_request_build (InbBackend   *backend,
                   InbModel     *model,
                   InbKeyframe  *first,
                   InbKeyframe  *last,
                   const char   *prompt,
                   const char   *negative_prompt,
                   JsonObject   *params,
                   gint64        seed,
                   GError      **error)
{
  g_autoptr(InbRequest) request = NULL;
  g_autoptr(JsonObject) complete = NULL;
  g_autoptr(InbImage) first_image = NULL;
  g_autoptr(InbImage) last_image = NULL;
  g_autoptr(GError) local_error = NULL;
  InbSchema *schema;
  const InbParamSpec *seed_spec;
  InbFit fit = INB_FIT_CROP;
  guint width, height;

  g_return_val_if_fail (INB_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (INB_IS_MODEL (model), NULL);
  g_return_val_if_fail (INB_IS_KEYFRAME (first), NULL);
  g_return_val_if_fail (INB_IS_KEYFRAME (last), NULL);

  schema = inb_model_get_schema (model);

  /* Text a model does not use is neither sent nor kept with the take */
  if (inb_model_get_prompt_max_length (model) == 0)
    prompt = NULL;
  if (inb_model_get_negative_max_length (model) == 0)
    negative_prompt = NULL;

  if (params != NULL && !inb_schema_validate (schema, params, error))
    return NULL;

  complete = inb_schema_complete (schema, params);

  /* One seed for the take: drawn here when asked for, so it is recorded
   * and a re-roll can change exactly it. */
  seed_spec = inb_schema_lookup (schema, "seed");
  if (seed_spec == NULL)
    seed = 0;   /* the model has no seed: none is recorded as one */
  else if (seed < 0)
    {
      gint64 max = seed_spec && seed_spec->has_maximum ? (gint64) seed_spec->maximum : G_MAXINT32;
      seed = (gint64) g_random_double_range (0, (double) max + 1.0);
    }
  if (seed_spec != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_int (json_node_alloc (), seed);

      if (!inb_schema_validate_value (schema, "seed", node, error))
        return NULL;
      json_object_set_int_member (complete, "seed", seed);
    }

  if (!inb_fit_from_string (inb_params_get_string (complete, "fit", "crop"), &fit))
    fit = INB_FIT_CROP;

  if (!inb_backend_get_frame_size (backend, model, complete,
                                   inb_keyframe_get_width (first), inb_keyframe_get_height (first),
                                   &width, &height, error))
    return NULL;

  if (width < inb_model_get_min_side (model) || height < inb_model_get_min_side (model) ||
      width > inb_model_get_max_side (model) || height > inb_model_get_max_side (model))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("%u × %u is outside what %s accepts (%u to %u pixels a side)"),
                   width, height, inb_model_get_id (model),
                   inb_model_get_min_side (model), inb_model_get_max_side (model));
      return NULL;
    }

  first_image = inb_keyframe_normalise (first, width, height, fit);
  last_image = inb_keyframe_normalise (last, width, height, fit);

  request = inb_request_new (inb_backend_get_id (backend), inb_model_get_id (model));
  inb_request_set_prompt (request, prompt);
  inb_request_set_negative_prompt (request, negative_prompt);
  inb_request_set_params (request, complete);
  inb_request_set_seed (request, seed);
  inb_request_set_keyframes (request, first_image, last_image);

  if (!inb_backend_validate (backend, request, error))
    return NULL;

  return g_steal_pointer (&request);
}
