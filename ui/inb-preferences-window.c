/* inb-preferences-window.c
 *
 * Copyright 2026 The Inbetween authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "inb-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-backend-registry.h"
#include "inb-preferences-window.h"

struct _InbPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GStrv                 backend_ids;

  /* Template Widgets */
  AdwComboRow          *backend_row;
  AdwComboRow          *fit_row;
  AdwEntryRow          *comfyui_row;
};

G_DEFINE_FINAL_TYPE (InbPreferencesWindow, inb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Nicks as in the GSettings schema, in the order of the combo rows. */
static const char * const fit_nicks[] = { "crop", "pad", "stretch", NULL };

static gboolean
nick_to_index (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    {
      if (g_strcmp0 (nicks[i], nick) == 0)
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
index_to_nick (const GValue       *value,
               const GVariantType *expected_type,
               gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length ((char **) nicks))
    return NULL;

  return g_variant_new_string (nicks[index]);
}

GtkWidget *
inb_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (INB_TYPE_PREFERENCES_WINDOW,
                       "settings", settings,
                       NULL);
}

static void
inb_preferences_window_comfyui_apply_cb (InbPreferencesWindow *self,
                                         AdwEntryRow          *row)
{
  const char *text;

  g_assert (INB_IS_PREFERENCES_WINDOW (self));

  text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_settings_set_string (self->settings, "comfyui-url", text);
}

static void
inb_preferences_window_constructed (GObject *object)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (object);
  g_autofree char *url = NULL;

  G_OBJECT_CLASS (inb_preferences_window_parent_class)->constructed (object);

  /* Every backend the registry knows, by name. */
  {
    g_autoptr(InbBackendRegistry) registry = inb_backend_registry_new_default ();
    g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
    g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
    GListModel *backends = inb_backend_registry_get_backends (registry);

    for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
      {
        g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);

        g_strv_builder_add (ids, inb_backend_get_id (backend));
        gtk_string_list_append (names, inb_backend_get_name (backend));
      }

    self->backend_ids = g_strv_builder_end (ids);
    adw_combo_row_set_model (self->backend_row, G_LIST_MODEL (names));
  }

  g_settings_bind_with_mapping (self->settings, "default-fit",
                                self->fit_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                nick_to_index, index_to_nick,
                                (gpointer) fit_nicks, NULL);
  g_settings_bind_with_mapping (self->settings, "default-backend",
                                self->backend_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                nick_to_index, index_to_nick,
                                self->backend_ids, NULL);

  url = g_settings_get_string (self->settings, "comfyui-url");
  gtk_editable_set_text (GTK_EDITABLE (self->comfyui_row), url);
}

static void
inb_preferences_window_dispose (GObject *object)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (inb_preferences_window_parent_class)->dispose (object);
}

static void
inb_preferences_window_finalize (GObject *object)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (object);

  g_clear_pointer (&self->backend_ids, g_strfreev);

  G_OBJECT_CLASS (inb_preferences_window_parent_class)->finalize (object);
}

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
inb_preferences_window_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_preferences_window_class_init (InbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = inb_preferences_window_constructed;
  object_class->dispose = inb_preferences_window_dispose;
  object_class->finalize = inb_preferences_window_finalize;
  object_class->set_property = inb_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InbPreferencesWindow, backend_row);
  gtk_widget_class_bind_template_child (widget_class, InbPreferencesWindow, fit_row);
  gtk_widget_class_bind_template_child (widget_class, InbPreferencesWindow, comfyui_row);
  gtk_widget_class_bind_template_callback (widget_class, inb_preferences_window_comfyui_apply_cb);
}

static void
inb_preferences_window_init (InbPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
