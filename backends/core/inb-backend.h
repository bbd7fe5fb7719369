/* inb-backend.h — the one interface every backend implements
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-model.h"
#include "inb-progress.h"
#include "inb-request.h"

G_BEGIN_DECLS

#define INB_BACKEND_ERROR (inb_backend_error_quark ())

/**
 * InbBackendError:
 * @INB_BACKEND_ERROR_INVALID_INPUT: the request is wrong; nothing was sent
 * @INB_BACKEND_ERROR_FAILED: the backend tried and failed
 * @INB_BACKEND_ERROR_REMOTE: the service reported a failure
 * @INB_BACKEND_ERROR_NETWORK: transport trouble
 * @INB_BACKEND_ERROR_AUTH: the key is missing or refused
 * @INB_BACKEND_ERROR_SUBMIT_UNKNOWN: a submit went out and no answer came back
 * @INB_BACKEND_ERROR_EXPIRED: the result is gone from the service
 * @INB_BACKEND_ERROR_BLOCKED: the service refused the content
 */
typedef enum
{
  INB_BACKEND_ERROR_INVALID_INPUT,
  INB_BACKEND_ERROR_FAILED,
  INB_BACKEND_ERROR_REMOTE,
  INB_BACKEND_ERROR_NETWORK,
  INB_BACKEND_ERROR_AUTH,
  INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
  INB_BACKEND_ERROR_EXPIRED,
  INB_BACKEND_ERROR_BLOCKED,
} InbBackendError;

#define INB_TYPE_BACKEND (inb_backend_get_type ())

G_DECLARE_INTERFACE (InbBackend, inb_backend, INB, BACKEND, GObject)

struct _InbBackendInterface
{
  GTypeInterface parent_iface;

  const char *(*get_id)             (InbBackend           *self);
  const char *(*get_name)           (InbBackend           *self);
  GPtrArray  *(*get_models)         (InbBackend           *self);
  guint       (*get_max_concurrent) (InbBackend           *self,
                                     InbModel             *model);
  gboolean    (*get_frame_size)     (InbBackend           *self,
                                     InbModel             *model,
                                     JsonObject           *params,
                                     guint                 source_width,
                                     guint                 source_height,
                                     guint                *width,
                                     guint                *height,
                                     GError              **error);
  gboolean    (*validate)           (InbBackend           *self,
                                     InbRequest           *request,
                                     GError              **error);
  void        (*generate_async)     (InbBackend           *self,
                                     InbRequest           *request,
                                     InbProgress          *progress,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
  InbResult  *(*generate_finish)    (InbBackend           *self,
                                     GAsyncResult         *result,
                                     GError              **error);
  void        (*cancel_remote_async)(InbBackend           *self,
                                     InbRequest           *request,
                                     JsonObject           *remote_state,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
  gboolean    (*cancel_remote_finish)(InbBackend          *self,
                                     GAsyncResult         *result,
                                     GError              **error);
  void        (*resume_async)       (InbBackend           *self,
                                     InbRequest           *request,
                                     JsonObject           *remote_state,
                                     InbProgress          *progress,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
  InbResult  *(*resume_finish)      (InbBackend           *self,
                                     GAsyncResult         *result,
                                     GError              **error);

  /*< private >*/
  gpointer padding[8];
};

GQuark      inb_backend_error_quark        (void);
const char *inb_backend_get_id             (InbBackend           *self);
const char *inb_backend_get_name           (InbBackend           *self);
GPtrArray  *inb_backend_get_models         (InbBackend           *self);
InbModel   *inb_backend_find_model         (InbBackend           *self,
                                            const char           *model_id);
InbModel   *inb_backend_get_default_model  (InbBackend           *self);
guint       inb_backend_get_max_concurrent (InbBackend           *self,
                                            InbModel             *model);
gboolean    inb_backend_get_frame_size     (InbBackend           *self,
                                            InbModel             *model,
                                            JsonObject           *params,
                                            guint                 source_width,
                                            guint                 source_height,
                                            guint                *width,
                                            guint                *height,
                                            GError              **error);
gboolean    inb_backend_validate           (InbBackend           *self,
                                            InbRequest           *request,
                                            GError              **error);
void        inb_backend_generate_async     (InbBackend           *self,
                                            InbRequest           *request,
                                            InbProgress          *progress,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
InbResult  *inb_backend_generate_finish    (InbBackend           *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void        inb_backend_cancel_remote_async (InbBackend          *self,
                                            InbRequest           *request,
                                            JsonObject           *remote_state,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    inb_backend_cancel_remote_finish (InbBackend         *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void        inb_backend_resume_async       (InbBackend           *self,
                                            InbRequest           *request,
                                            JsonObject           *remote_state,
                                            InbProgress          *progress,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
InbResult  *inb_backend_resume_finish      (InbBackend           *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Frame sizes: the short side of a named resolution, aligned, keeping aspect. */
gboolean    inb_frame_size_for_resolution  (const char           *resolution,
                                            guint                 source_width,
                                            guint                 source_height,
                                            guint                 alignment,
                                            guint                *width,
                                            guint                *height,
                                            GError              **error);

G_END_DECLS
