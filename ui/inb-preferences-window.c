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

#include "inb-enums.h"
#include "inb-preferences-window.h"
#include "inb-toasts.h"

/* One page per provider with a key or an address, built from what its
 * backend class declares (InbBackendInfo): nothing here names a provider. */
typedef struct
{
  char                *provider;
  InbBackend          *backend;
  AdwPreferencesPage  *page;
  GtkWidget           *banner_group;
  GtkRevealer         *banner;
  GtkLabel            *banner_label;
  AdwPasswordEntryRow *key_row;
  GtkLinkButton       *key_link;     /* to the key page of the region set */
  AdwActionRow        *source_row;
  GtkButton           *clear_button;
  AdwEntryRow         *url_row;
  AdwActionRow        *status_row;   /* a server that can be checked */
  GCancellable        *check_cancellable;
  InbKeySource         source;
  guint                busy;
} Provider;

struct _InbPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  InbSession           *session;
  GSettings            *settings;
  InbSecrets           *secrets;
  GPtrArray            *providers;
  GStrv                 backend_ids;
  GStrv                 backend_short_names;
  InbToasts            *toasts;

  /* Template Widgets */
  AdwComboRow          *backend_row;
  AdwComboRow          *fit_row;
};

G_DEFINE_FINAL_TYPE (InbPreferencesWindow, inb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  KEY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
provider_free (gpointer data)
{
  Provider *p = data;

  g_free (p->provider);
  g_clear_object (&p->backend);
  if (p->check_cancellable != NULL)
    g_cancellable_cancel (p->check_cancellable);
  g_clear_object (&p->check_cancellable);
  g_free (p);
}

static Provider *
find_provider (InbPreferencesWindow *self,
               const char           *provider)
{
  if (self->providers == NULL)
    return NULL;

  for (guint i = 0; i < self->providers->len; i++)
    {
      Provider *p = g_ptr_array_index (self->providers, i);

      if (g_strcmp0 (p->provider, provider) == 0)
        return p;
    }

  return NULL;
}

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

/* An enum key (its nicks, as glib-mkenums made them from the C enum of
 * @user_data, a GType) and a combo row listing that enum's values in order. */
static gboolean
enum_nick_to_index (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref ((GType) GPOINTER_TO_SIZE (user_data));
  GEnumValue *found = g_enum_get_value_by_nick (klass, g_variant_get_string (variant, NULL));

  if (found == NULL || found->value < 0)
    return FALSE;

  g_value_set_uint (value, (guint) found->value);
  return TRUE;
}

static GVariant *
index_to_enum_nick (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref ((GType) GPOINTER_TO_SIZE (user_data));
  guint index = g_value_get_uint (value);
  GEnumValue *found = index <= G_MAXINT ? g_enum_get_value (klass, (int) index) : NULL;

  if (found == NULL)
    return NULL;

  return g_variant_new_string (found->value_nick);
}

/**
 * inb_preferences_window_new:
 * @session: the application's: its settings, and its keys, so a key kept
 *   for this session only is the same everywhere
 */
GtkWidget *
inb_preferences_window_new (InbSession *session)
{
  g_return_val_if_fail (INB_IS_SESSION (session), NULL);

  return g_object_new (INB_TYPE_PREFERENCES_WINDOW,
                       "session", session,
                       NULL);
}

void
inb_preferences_window_show_provider (InbPreferencesWindow *self,
                                      const char           *provider)
{
  Provider *p;

  g_return_if_fail (INB_IS_PREFERENCES_WINDOW (self));

  p = find_provider (self, provider);
  if (p != NULL)
    {
      adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (self), p->page);
      gtk_widget_grab_focus (p->key_row != NULL ? GTK_WIDGET (p->key_row) : GTK_WIDGET (p->url_row));
    }
}

AdwPasswordEntryRow *
inb_preferences_window_get_key_row (InbPreferencesWindow *self,
                                    const char           *provider)
{
  Provider *p;

  g_return_val_if_fail (INB_IS_PREFERENCES_WINDOW (self), NULL);

  p = find_provider (self, provider);
  return p != NULL ? p->key_row : NULL;
}

InbKeySource
inb_preferences_window_get_key_source (InbPreferencesWindow *self,
                                       const char           *provider)
{
  Provider *p;

  g_return_val_if_fail (INB_IS_PREFERENCES_WINDOW (self), INB_KEY_SOURCE_NONE);

  p = find_provider (self, provider);
  return p != NULL ? p->source : INB_KEY_SOURCE_NONE;
}

/**
 * inb_preferences_window_get_server_status:
 *
 * Returns: (nullable): what the status row of @provider says (%NULL: it
 *   has none)
 */
const char *
inb_preferences_window_get_server_status (InbPreferencesWindow *self,
                                          const char           *provider)
{
  Provider *p;

  g_return_val_if_fail (INB_IS_PREFERENCES_WINDOW (self), NULL);

  p = find_provider (self, provider);
  return p != NULL && p->status_row != NULL ? adw_action_row_get_subtitle (p->status_row) : NULL;
}

gboolean
inb_preferences_window_get_banner_shown (InbPreferencesWindow *self,
                                         const char           *provider)
{
  Provider *p;

  g_return_val_if_fail (INB_IS_PREFERENCES_WINDOW (self), FALSE);

  p = find_provider (self, provider);
  return p != NULL && gtk_revealer_get_reveal_child (p->banner);
}

/* Keys: every keyring call is async (InbSecrets runs it in a worker
 * thread); the callbacks hold the window and find the page by name. */

typedef struct
{
  InbPreferencesWindow *self;
  char                 *provider;
} Call;

static Call *
call_new (InbPreferencesWindow *self,
          Provider             *p)
{
  Call *c = g_new0 (Call, 1);

  c->self = g_object_ref (self);
  c->provider = g_strdup (p->provider);
  p->busy++;
  return c;
}

static Provider *
call_end (Call *c)
{
  Provider *p = find_provider (c->self, c->provider);

  if (p != NULL && p->busy > 0)
    p->busy--;
  return p;
}

static void
call_free (Call *c)
{
  g_object_unref (c->self);
  g_free (c->provider);
  g_free (c);
}

static void
provider_update (InbPreferencesWindow *self,
                 Provider             *p)
{
  const char *env_var = inb_backend_get_key_env (p->backend);
  g_autofree char *subtitle = NULL;
  gboolean session_only;

  switch (p->source)
    {
    case INB_KEY_SOURCE_ENVIRONMENT:
      /* Translators: %s is an environment variable, e.g. DASHSCOPE_API_KEY */
      subtitle = g_strdup_printf (_("From the environment (%s), which wins over a saved key"), env_var);
      break;

    case INB_KEY_SOURCE_KEYRING:
      subtitle = g_strdup (_("Saved in the keyring"));
      break;

    case INB_KEY_SOURCE_SESSION:
      subtitle = g_strdup (_("Kept for this session only"));
      break;

    case INB_KEY_SOURCE_NONE:
    default:
      subtitle = g_strdup (_("No key yet: paste one above and press Enter"));
      break;
    }

  adw_action_row_set_subtitle (p->source_row, subtitle);
  gtk_widget_set_sensitive (GTK_WIDGET (p->key_row), p->busy == 0);
  gtk_widget_set_sensitive (GTK_WIDGET (p->clear_button),
                            p->busy == 0 &&
                            (p->source == INB_KEY_SOURCE_KEYRING || p->source == INB_KEY_SOURCE_SESSION));

  session_only = inb_secrets_is_session_only (self->secrets, p->provider);
  if (session_only)
    {
      g_autofree char *problem = inb_secrets_dup_provider_problem (self->secrets, p->provider);
      g_autofree char *markup = NULL;

      /* Translators: the first line is a heading; %s says why the keyring
       * could not be used */
      markup = g_markup_printf_escaped (_("<b>Saved for this session only</b>\n<small>%s</small>"),
                                        problem != NULL ? problem : _("The keyring is not available"));
      gtk_label_set_markup (p->banner_label, markup);
    }
  /* An empty group would still take room above the key. */
  gtk_widget_set_visible (p->banner_group, session_only);
  gtk_revealer_set_reveal_child (p->banner, session_only);
}

static void
provider_toast (InbPreferencesWindow *self,
                const char           *text)
{
  AdwToast *toast = inb_toasts_new_toast (self->toasts, text);

  adw_toast_set_timeout (toast, 4);
  inb_toasts_show (self->toasts, toast);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *c = user_data;
  Provider *p = call_end (c);
  InbKeySource source = INB_KEY_SOURCE_NONE;
  char *key;

  key = inb_secrets_lookup_finish (INB_SECRETS (object), result, &source, NULL);
  inb_secrets_free_key (key);

  if (p != NULL)
    {
      p->source = key != NULL ? source : INB_KEY_SOURCE_NONE;
      provider_update (c->self, p);
      g_signal_emit (c->self, signals[KEY_CHANGED], 0, p->provider);
    }

  call_free (c);
}

static void
provider_lookup (InbPreferencesWindow *self,
                 Provider             *p)
{
  inb_secrets_lookup_async (self->secrets, p->provider, NULL, lookup_cb, call_new (self, p));
  provider_update (self, p);
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Call *c = user_data;
  Provider *p = call_end (c);
  g_autoptr(GError) error = NULL;
  InbKeySource source;

  source = inb_secrets_store_finish (INB_SECRETS (object), result, &error);

  if (p != NULL)
    {
      if (error != NULL)
        {
          provider_toast (c->self, error->message);
          provider_update (c->self, p);
        }
      else
        {
          const char *env = g_getenv (inb_backend_get_key_env (p->backend));

          /* The environment still wins; say so rather than what was saved. */
          if (env == NULL || *env == '\0')
            p->source = source;
          provider_toast (c->self,
                          source == INB_KEY_SOURCE_SESSION
                          ? _("Key kept for this session only")
                          : _("Key saved in the keyring"));
          provider_update (c->self, p);
          g_signal_emit (c->self, signals[KEY_CHANGED], 0, p->provider);
        }
    }

  call_free (c);
}

static void
key_apply_cb (AdwPasswordEntryRow *row,
              gpointer             user_data)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (user_data);
  Provider *p = g_object_get_data (G_OBJECT (row), "inb-provider");
  g_autofree char *key = NULL;

  g_assert (p != NULL);

  key = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  /* The entry does not keep the key once it is handed over. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");

  if (*key == '\0')
    {
      inb_secrets_free_key (g_steal_pointer (&key));
      return;
    }

  inb_secrets_store_async (self->secrets, p->provider, key, NULL, store_cb, call_new (self, p));
  inb_secrets_free_key (g_steal_pointer (&key));
  provider_update (self, p);
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Call *c = user_data;
  Provider *p = call_end (c);
  g_autoptr(GError) error = NULL;

  if (!inb_secrets_clear_finish (INB_SECRETS (object), result, &error))
    {
      if (p != NULL)
        provider_toast (c->self, error->message);
    }
  else if (p != NULL)
    provider_toast (c->self, _("Key removed"));

  if (p != NULL)
    provider_lookup (c->self, p);

  call_free (c);
}

static void
clear_clicked_cb (GtkButton *button,
                  gpointer   user_data)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (user_data);
  Provider *p = g_object_get_data (G_OBJECT (button), "inb-provider");

  inb_secrets_clear_async (self->secrets, p->provider, NULL, clear_cb, call_new (self, p));
  provider_update (self, p);
}

static void
retry_lookup_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Call *c = user_data;
  Provider *p = call_end (c);
  InbKeySource source = INB_KEY_SOURCE_NONE;
  char *key;

  key = inb_secrets_lookup_finish (INB_SECRETS (object), result, &source, NULL);

  if (p != NULL && key != NULL && source == INB_KEY_SOURCE_SESSION)
    inb_secrets_store_async (c->self->secrets, p->provider, key, NULL, store_cb, call_new (c->self, p));
  else if (p != NULL)
    provider_update (c->self, p);

  inb_secrets_free_key (key);
  call_free (c);
}

static void
retry_clicked_cb (GtkButton *button,
                  gpointer   user_data)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (user_data);
  Provider *p = g_object_get_data (G_OBJECT (button), "inb-provider");

  inb_secrets_lookup_async (self->secrets, p->provider, NULL, retry_lookup_cb, call_new (self, p));
  provider_update (self, p);
}

/* The server's health (a backend with a check) ------------------------- */

typedef struct
{
  InbPreferencesWindow *self;
  char                 *provider;
} Check;

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Check *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbBackendStatus) status = inb_backend_check_finish (INB_BACKEND (object), result, &error);
  Provider *p = find_provider (c->self, c->provider);

  if (p != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = NULL;

      g_autofree char *where = NULL;

      /* An answer says where it came from: the environment's address may
       * win over the one typed here */
      if (status != NULL && status->reachable)
        /* Translators: %s is the server's address, under what it said */
        where = g_strdup_printf (_("At %s"), inb_backend_get_base_url (INB_BACKEND (object)));

      if (status == NULL)
        text = g_strdup (error->message);
      else if (status->warning != NULL)
        text = g_strdup_printf ("%s\n%s%s%s", status->summary, where != NULL ? where : "",
                                where != NULL ? "\n" : "", status->warning);
      else
        text = g_strdup_printf ("%s%s%s", status->summary, where != NULL ? "\n" : "", where != NULL ? where : "");

      adw_action_row_set_subtitle (p->status_row, text);
      gtk_widget_remove_css_class (GTK_WIDGET (p->status_row), "error");
      if (status == NULL || !status->reachable)
        gtk_widget_add_css_class (GTK_WIDGET (p->status_row), "error");
      g_clear_object (&p->check_cancellable);
    }

  g_object_unref (c->self);
  g_free (c->provider);
  g_free (c);
}

static void
check_server (InbPreferencesWindow *self,
              Provider             *p)
{
  Check *c;

  if (p->status_row == NULL)
    return;

  if (p->check_cancellable != NULL)
    g_cancellable_cancel (p->check_cancellable);
  g_clear_object (&p->check_cancellable);
  p->check_cancellable = g_cancellable_new ();

  /* At the address a take would use now */
  inb_session_configure_backend (self->session, p->backend);
  adw_action_row_set_subtitle (p->status_row, _("Checking…"));

  c = g_new0 (Check, 1);
  c->self = g_object_ref (self);
  c->provider = g_strdup (p->provider);
  inb_backend_check_async (p->backend, p->check_cancellable, checked_cb, c);
}

static void
check_clicked_cb (GtkButton *button,
                  gpointer   user_data)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (user_data);

  check_server (self, g_object_get_data (G_OBJECT (button), "inb-provider"));
}

static void
url_apply_cb (AdwEntryRow *row,
              gpointer     user_data)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (user_data);
  Provider *p = g_object_get_data (G_OBJECT (row), "inb-provider");

  inb_session_set_saved_url (self->session, p->backend, gtk_editable_get_text (GTK_EDITABLE (row)));
  check_server (self, p);
}

static void
region_selected_cb (AdwComboRow *row,
                    GParamSpec  *pspec,
                    gpointer     user_data)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (user_data);
  Provider *p = g_object_get_data (G_OBJECT (row), "inb-provider");
  const InbBackendRegion *region = inb_backend_get_region (p->backend, adw_combo_row_get_selected (row));

  if (region == NULL)
    return;

  inb_session_set_region (self->session, p->backend, region->id);
  /* A key is made in the region it is for */
  if (p->key_link != NULL && inb_backend_get_region_key_url (p->backend, region->id) != NULL)
    gtk_link_button_set_uri (p->key_link, inb_backend_get_region_key_url (p->backend, region->id));
}

static void
add_banner (InbPreferencesWindow *self,
            Provider             *p)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *box;
  GtkWidget *button;

  /* Adw 1.2 has no AdwBanner */
  p->banner = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (p->banner, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "inb-banner");
  p->banner_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (p->banner_label, TRUE);
  gtk_label_set_xalign (p->banner_label, 0.0f);
  gtk_widget_set_hexpand (GTK_WIDGET (p->banner_label), TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (p->banner_label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (p->banner_label), 9);
  gtk_widget_set_margin_bottom (GTK_WIDGET (p->banner_label), 9);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p->banner_label));
  button = gtk_button_new_with_mnemonic (_("_Try Again"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_end (button, 9);
  gtk_widget_set_tooltip_text (button, _("Save the key in the keyring again"));
  g_object_set_data (G_OBJECT (button), "inb-provider", p);
  g_signal_connect_object (button, "clicked", G_CALLBACK (retry_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (box), button);
  gtk_revealer_set_child (p->banner, box);
  adw_preferences_group_add (group, GTK_WIDGET (p->banner));
  p->banner_group = GTK_WIDGET (group);
  gtk_widget_set_visible (p->banner_group, FALSE);
  adw_preferences_page_add (p->page, group);
}

static void
add_key_group (InbPreferencesWindow *self,
               Provider             *p)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autofree char *region = inb_session_dup_region (self->session, p->backend);
  const char *key_url = inb_backend_get_region_key_url (p->backend, region);

  adw_preferences_group_set_title (group, _("API Key"));
  adw_preferences_group_set_description (group, _("Kept in the keyring, never in a file. Each generation is billed to this key."));
  if (key_url != NULL)
    {
      GtkWidget *link = gtk_link_button_new_with_label (key_url, _("Get a Key"));

      gtk_widget_set_valign (link, GTK_ALIGN_CENTER);
      /* Translators: %s is a service, e.g. "DashScope" */
      {
        g_autofree char *tip = g_strdup_printf (_("Make a key at %s’s website"),
                                                inb_backend_get_short_name (p->backend));

        gtk_widget_set_tooltip_text (link, tip);
      }
      adw_preferences_group_set_header_suffix (group, link);
      p->key_link = GTK_LINK_BUTTON (link);
    }

  p->key_row = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->key_row), _("Paste a New Key"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (p->key_row), TRUE);
  g_object_set_data (G_OBJECT (p->key_row), "inb-provider", p);
  g_signal_connect_object (p->key_row, "apply", G_CALLBACK (key_apply_cb), self, 0);
  adw_preferences_group_add (group, GTK_WIDGET (p->key_row));

  p->source_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->source_row), _("Current Key"));
  p->clear_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Remove")));
  gtk_widget_set_valign (GTK_WIDGET (p->clear_button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (p->clear_button), "flat");
  gtk_widget_set_tooltip_text (GTK_WIDGET (p->clear_button), _("Forget the saved key"));
  g_object_set_data (G_OBJECT (p->clear_button), "inb-provider", p);
  g_signal_connect_object (p->clear_button, "clicked", G_CALLBACK (clear_clicked_cb), self, 0);
  adw_action_row_add_suffix (p->source_row, GTK_WIDGET (p->clear_button));
  adw_preferences_group_add (group, GTK_WIDGET (p->source_row));
  adw_preferences_page_add (p->page, group);
}

static GtkWidget *
make_region_row (InbPreferencesWindow *self,
                 Provider             *p)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *current = inb_session_dup_region (self->session, p->backend);
  guint n = inb_backend_get_n_regions (p->backend);
  guint selected = 0;

  for (guint i = 0; i < n; i++)
    {
      const InbBackendRegion *region = inb_backend_get_region (p->backend, i);

      gtk_string_list_append (names, g_dgettext (GETTEXT_PACKAGE, region->name));
      if (g_strcmp0 (region->id, current) == 0)
        selected = i;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Region"));
  if (inb_backend_takes_key (p->backend))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("A key works only in the region it was made in"));
  adw_combo_row_set_model (row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (row, selected);
  g_object_set_data (G_OBJECT (row), "inb-provider", p);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (region_selected_cb), self, 0);
  /* Without settings a region would not be kept */
  gtk_widget_set_sensitive (GTK_WIDGET (row), self->settings != NULL);

  return GTK_WIDGET (row);
}

/* Where: the region, and an address of one's own (advanced for a hosted
 * service, the main setting for a server of one's own). */
static void
add_service_group (InbPreferencesWindow *self,
                   Provider             *p)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  const char *url_env = inb_backend_get_url_env (p->backend);
  const char *env = url_env != NULL ? g_getenv (url_env) : NULL;
  g_autofree char *saved = inb_session_dup_saved_url (self->session, p->backend);
  g_autofree char *region = inb_session_dup_region (self->session, p->backend);
  g_autofree char *note = NULL;
  gboolean hosted = inb_backend_takes_key (p->backend);

  adw_preferences_group_set_title (group, hosted ? _("Service") : _("Server"));

  if (inb_backend_get_n_regions (p->backend) > 1)
    adw_preferences_group_add (group, make_region_row (self, p));

  if (env != NULL && *env != '\0')
    /* Translators: %s is an environment variable name */
    note = g_strdup_printf (_("%s is set and wins over the address here"), url_env);
  else
    /* Translators: %s is an address such as https://api.example.com */
    note = g_strdup_printf (_("Empty: %s"), inb_backend_get_default_url (p->backend, region));

  p->url_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->url_row), _("Address"));
  adw_entry_row_set_show_apply_button (p->url_row, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (p->url_row), saved != NULL ? saved : "");
  g_object_set (p->url_row, "input-purpose", GTK_INPUT_PURPOSE_URL, NULL);
  g_object_set_data (G_OBJECT (p->url_row), "inb-provider", p);
  g_signal_connect_object (p->url_row, "apply", G_CALLBACK (url_apply_cb), self, 0);
  /* Without settings an address would not be kept */
  gtk_widget_set_sensitive (GTK_WIDGET (p->url_row), self->settings != NULL);

  if (hosted)
    {
      AdwExpanderRow *advanced = ADW_EXPANDER_ROW (adw_expander_row_new ());

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (advanced), _("Advanced"));
      adw_expander_row_set_subtitle (advanced, env != NULL && *env != '\0' ? note : _("Service address"));
      adw_expander_row_add_row (advanced, GTK_WIDGET (p->url_row));
      adw_preferences_group_add (group, GTK_WIDGET (advanced));
    }
  else
    {
      adw_preferences_group_set_description (group, note);
      adw_preferences_group_add (group, GTK_WIDGET (p->url_row));
    }

  /* A server of one's own: whether it answers, and what it runs on */
  if (inb_backend_can_check (p->backend))
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("view-refresh-symbolic");

      p->status_row = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->status_row), _("Status"));
      adw_action_row_set_subtitle_lines (p->status_row, 3);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("Check Again"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Check Again"), -1);
      g_object_set_data (G_OBJECT (button), "inb-provider", p);
      g_signal_connect_object (button, "clicked", G_CALLBACK (check_clicked_cb), self, 0);
      adw_action_row_add_suffix (p->status_row, button);
      adw_preferences_group_add (group, GTK_WIDGET (p->status_row));
    }

  adw_preferences_page_add (p->page, group);
}

static void
import_clicked_cb (GtkButton            *button,
                   InbPreferencesWindow *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  Provider *p = g_object_get_data (G_OBJECT (button), "inb-provider");

  /* The main window imports it and chooses the new model */
  if (parent != NULL && p != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.import-workflow", "s", p->provider);
}

/* Workflows of one's own, for a backend that imports them */
static void
add_workflow_group (InbPreferencesWindow *self,
                    Provider             *p)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Import…"));

  adw_preferences_group_set_title (group, _("Your Own Workflows"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Import Workflow"));
  adw_action_row_set_subtitle (row, _("A workflow exported for the API becomes a model; you check what goes where"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (button), "inb-provider", p);
  g_signal_connect_object (button, "clicked", G_CALLBACK (import_clicked_cb), self, 0);
  adw_action_row_add_suffix (row, button);
  adw_action_row_set_activatable_widget (row, button);
  adw_preferences_group_add (group, GTK_WIDGET (row));
  adw_preferences_page_add (p->page, group);
}

static void
inb_preferences_window_add_provider (InbPreferencesWindow *self,
                                     InbBackend           *backend)
{
  Provider *p = g_new0 (Provider, 1);

  p->provider = g_strdup (inb_backend_get_id (backend));
  p->backend = g_object_ref (backend);
  g_ptr_array_add (self->providers, p);

  p->page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  adw_preferences_page_set_title (p->page, inb_backend_get_short_name (backend));
  adw_preferences_page_set_icon_name (p->page, "network-server-symbolic");
  adw_preferences_page_set_name (p->page, p->provider);
  if (inb_backend_get_description (backend) != NULL)
    {
      /* Adw 1.2 pages have no description of their own */
      AdwPreferencesGroup *about = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

      adw_preferences_group_set_description (about, inb_backend_get_description (backend));
      adw_preferences_page_add (p->page, about);
    }

  if (inb_backend_takes_key (backend))
    {
      add_banner (self, p);
      add_key_group (self, p);
    }
  if (inb_backend_has_address (backend))
    add_service_group (self, p);
  if (inb_backend_can_import_workflows (backend))
    add_workflow_group (self, p);

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), p->page);

  if (inb_backend_takes_key (backend))
    provider_lookup (self, p);
  check_server (self, p);
}

static void
backend_label_setup_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *item,
                        gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
backend_short_bind_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       InbPreferencesWindow     *self)
{
  guint position = gtk_list_item_get_position (item);

  if (self->backend_short_names != NULL && position < g_strv_length (self->backend_short_names))
    gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), self->backend_short_names[position]);
}

static void
backend_full_bind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  data)
{
  GtkStringObject *name = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), gtk_string_object_get_string (name));
}

static void
inb_preferences_window_constructed (GObject *object)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (inb_preferences_window_parent_class)->constructed (object);

  /* NULL when the schema is not installed: the keys still work; what
   * settings would keep shows the defaults the session runs on, and cannot
   * be changed */
  g_set_object (&self->settings, inb_session_get_settings (self->session));
  self->secrets = g_object_ref (inb_session_get_secrets (self->session));

  /* Every backend the session knows, by name. */
  {
    g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
    g_autoptr(GStrvBuilder) short_names = g_strv_builder_new ();
    g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
    g_autoptr(GtkListItemFactory) shown = gtk_signal_list_item_factory_new ();
    g_autoptr(GtkListItemFactory) listed = gtk_signal_list_item_factory_new ();
    GListModel *backends = inb_backend_registry_get_backends (inb_session_get_registry (self->session));

    for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
      {
        g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);

        g_strv_builder_add (ids, inb_backend_get_id (backend));
        g_strv_builder_add (short_names, inb_backend_get_short_name (backend));
        gtk_string_list_append (names, inb_backend_get_name (backend));
      }

    self->backend_ids = g_strv_builder_end (ids);
    self->backend_short_names = g_strv_builder_end (short_names);
    adw_combo_row_set_model (self->backend_row, G_LIST_MODEL (names));
    /* The row shows the short name ("Local (this c…" at 360 px), its
     * list the full ones */
    g_signal_connect (shown, "setup", G_CALLBACK (backend_label_setup_cb), NULL);
    g_signal_connect (shown, "bind", G_CALLBACK (backend_short_bind_cb), self);
    g_signal_connect (listed, "setup", G_CALLBACK (backend_label_setup_cb), NULL);
    g_signal_connect (listed, "bind", G_CALLBACK (backend_full_bind_cb), NULL);
    adw_combo_row_set_factory (self->backend_row, shown);
    adw_combo_row_set_list_factory (self->backend_row, listed);
  }

  /* The rows are InbFit's values in order (inb-preferences-window.ui) */
  if (self->settings != NULL)
    {
      g_settings_bind_with_mapping (self->settings, "default-fit",
                                    self->fit_row, "selected",
                                    G_SETTINGS_BIND_DEFAULT,
                                    enum_nick_to_index, index_to_enum_nick,
                                    GSIZE_TO_POINTER (INB_TYPE_FIT), NULL);
      g_settings_bind_with_mapping (self->settings, "default-backend",
                                    self->backend_row, "selected",
                                    G_SETTINGS_BIND_DEFAULT,
                                    nick_to_index, index_to_nick,
                                    self->backend_ids, NULL);
    }
  else
    {
      g_autofree char *backend_id = inb_session_dup_default_backend_id (self->session);
      guint index = GTK_INVALID_LIST_POSITION;

      for (guint i = 0; self->backend_ids[i] != NULL; i++)
        if (g_strcmp0 (self->backend_ids[i], backend_id) == 0)
          index = i;
      adw_combo_row_set_selected (self->fit_row, (guint) inb_session_get_default_fit (self->session));
      adw_combo_row_set_selected (self->backend_row, index);
      gtk_widget_set_sensitive (GTK_WIDGET (self->fit_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->backend_row), FALSE);
    }

  self->providers = g_ptr_array_new_with_free_func (provider_free);
  {
    GListModel *backends = inb_backend_registry_get_backends (inb_session_get_registry (self->session));

    for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
      {
        g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);

        if (inb_backend_takes_key (backend) || inb_backend_has_address (backend))
          inb_preferences_window_add_provider (self, backend);
      }
  }
}

static void
inb_preferences_window_dispose (GObject *object)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (object);

  /* The rows may outlive the window; their bindings use its backend_ids:
   * they end with it. */
  if (self->settings != NULL)
    {
      g_settings_unbind (self->fit_row, "selected");
      g_settings_unbind (self->backend_row, "selected");
    }

  /* Keyring calls still running find no page to update. */
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->secrets);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (inb_preferences_window_parent_class)->dispose (object);
}

static void
inb_preferences_window_finalize (GObject *object)
{
  InbPreferencesWindow *self = INB_PREFERENCES_WINDOW (object);

  g_clear_pointer (&self->backend_ids, g_strfreev);
  g_clear_pointer (&self->backend_short_names, g_strfreev);
  g_clear_pointer (&self->toasts, inb_toasts_unref);

  G_OBJECT_CLASS (inb_preferences_window_parent_class)->finalize (object);
}

enum {
  PROP_0,
  PROP_SESSION,
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
    case PROP_SESSION:
      g_set_object (&self->session, g_value_get_object (value));
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

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         INB_TYPE_SESSION,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InbPreferencesWindow::key-changed:
   * @provider: whose key (or where it comes from) changed
   *
   * After a lookup, store or removal finished.
   */
  signals[KEY_CHANGED] =
    g_signal_new ("key-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InbPreferencesWindow, backend_row);
  gtk_widget_class_bind_template_child (widget_class, InbPreferencesWindow, fit_row);
}

/* A keyring call holds this window until it answers, which can be after
 * the window it is transient for is gone. libadwaita makes preferences
 * windows destroy-with-parent, and GTK 4.8 then keeps the parent as a
 * plain pointer: our last unref would touch it. Let go of the parent when
 * it goes. */
static void
transient_parent_destroyed_cb (GtkWindow            *parent,
                               InbPreferencesWindow *self)
{
  if (gtk_window_get_transient_for (GTK_WINDOW (self)) == parent)
    gtk_window_set_transient_for (GTK_WINDOW (self), NULL);
}

static void
transient_for_changed_cb (InbPreferencesWindow *self,
                          GParamSpec           *pspec,
                          gpointer              user_data)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (parent != NULL)
    g_signal_connect_object (parent, "destroy", G_CALLBACK (transient_parent_destroyed_cb), self, 0);
}

static void
inb_preferences_window_init (InbPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->toasts = inb_toasts_new (GTK_WIDGET (self));
  g_signal_connect (self, "notify::transient-for", G_CALLBACK (transient_for_changed_cb), NULL);
}
