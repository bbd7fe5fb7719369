/* inb-backend-registry.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-backend-registry"

#include "config.h"

#include "inb-backend-registry.h"

/**
 * InbBackendRegistry:
 *
 * The backends one application instance (window or CLI run) knows, by id,
 * in display order. Created by whoever needs it (the session): there is
 * no global one. Which backend *types* exist is GLib's extension point
 * %INB_BACKEND_EXTENSION_POINT_NAME, the way GIO's own modules register.
 */
struct _InbBackendRegistry
{
  GObject     parent_instance;

  GListStore *backends;
};

G_DEFINE_FINAL_TYPE (InbBackendRegistry, inb_backend_registry, G_TYPE_OBJECT)

static void
inb_backend_registry_dispose (GObject *object)
{
  InbBackendRegistry *self = (InbBackendRegistry *) object;

  g_clear_object (&self->backends);

  G_OBJECT_CLASS (inb_backend_registry_parent_class)->dispose (object);
}

static void
inb_backend_registry_class_init (InbBackendRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = inb_backend_registry_dispose;
}

static void
inb_backend_registry_init (InbBackendRegistry *self)
{
  self->backends = g_list_store_new (INB_TYPE_BACKEND);
}

static GIOExtensionPoint *
ensure_extension_point (void)
{
  static gsize point = 0;

  if (g_once_init_enter (&point))
    {
      GIOExtensionPoint *p = g_io_extension_point_register (INB_BACKEND_EXTENSION_POINT_NAME);

      g_io_extension_point_set_required_type (p, INB_TYPE_BACKEND);
      g_once_init_leave (&point, (gsize) p);
    }

  return (GIOExtensionPoint *) point;
}

void
inb_backend_type_register (GType type,
                           gint  priority)
{
  g_return_if_fail (g_type_is_a (type, INB_TYPE_BACKEND));

  ensure_extension_point ();
  g_io_extension_point_implement (INB_BACKEND_EXTENSION_POINT_NAME, type,
                                  g_type_name (type), priority);
}

/**
 * inb_backend_registry_new_registered:
 *
 * Returns: (transfer full): one backend of every registered type, the
 *   highest priority first
 */
InbBackendRegistry *
inb_backend_registry_new_registered (void)
{
  InbBackendRegistry *self = inb_backend_registry_new ();
  GList *extensions = g_io_extension_point_get_extensions (ensure_extension_point ());

  for (GList *l = extensions; l != NULL; l = l->next)
    {
      g_autoptr(InbBackend) backend = g_object_new (g_io_extension_get_type (l->data), NULL);

      inb_backend_registry_add (self, backend);
    }

  return self;
}

InbBackendRegistry *
inb_backend_registry_new (void)
{
  return g_object_new (INB_TYPE_BACKEND_REGISTRY, NULL);
}

/**
 * inb_backend_registry_add:
 *
 * Adds @backend; an id already present is replaced (tests use this to
 * swap in a backend pointed at a fake server).
 */
void
inb_backend_registry_add (InbBackendRegistry *self,
                          InbBackend         *backend)
{
  guint n;

  g_return_if_fail (INB_IS_BACKEND_REGISTRY (self));
  g_return_if_fail (INB_IS_BACKEND (backend));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->backends));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(InbBackend) other = g_list_model_get_item (G_LIST_MODEL (self->backends), i);

      if (g_strcmp0 (inb_backend_get_id (other), inb_backend_get_id (backend)) == 0)
        {
          g_list_store_splice (self->backends, i, 1, (gpointer *) &backend, 1);
          return;
        }
    }

  g_list_store_append (self->backends, backend);
}

/**
 * inb_backend_registry_lookup:
 *
 * Returns: (transfer none) (nullable): the backend with @id
 */
InbBackend *
inb_backend_registry_lookup (InbBackendRegistry *self,
                             const char         *id)
{
  guint n;

  g_return_val_if_fail (INB_IS_BACKEND_REGISTRY (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->backends));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (G_LIST_MODEL (self->backends), i);

      if (g_strcmp0 (inb_backend_get_id (backend), id) == 0)
        return backend; /* the store keeps it alive */
    }

  return NULL;
}

/**
 * inb_backend_registry_get_backends:
 *
 * Returns: (transfer none): a #GListModel of #InbBackend
 */
GListModel *
inb_backend_registry_get_backends (InbBackendRegistry *self)
{
  g_return_val_if_fail (INB_IS_BACKEND_REGISTRY (self), NULL);
  return G_LIST_MODEL (self->backends);
}
