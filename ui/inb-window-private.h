/* inb-window-private.h — what the window's files share, and what tests see
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-application.h"
#include "inb-library-panel.h"
#include "inb-take-details.h"
#include "inb-toasts.h"
#include "inb-window.h"

G_BEGIN_DECLS

typedef struct
{
  InbBackend *backend;
  InbModel   *model;
} Choice;

struct _InbWindow
{
  AdwApplicationWindow  parent_instance;

  InbSession           *session;
  GSettings            *settings;      /* nullable: the schema is not installed */
  GtkWindow            *help_overlay;   /* weak: made when asked for, destroyed when closed */
  InbJobQueue          *queue;         /* the session's, shared by every window */
  GPtrArray            *own_jobs;      /* InbJob: started here, not yet finished */
  GArray               *choices;
  InbBackend           *backend;
  InbModel             *model;
  GCancellable         *cancellable;
  GtkDropDown          *fit_dropdown;
  GtkWidget            *fit_box;
  GtkPicture           *framing_picture;
  GCancellable         *framing_cancellable;
  char                 *framing_key;
  char                 *problem;
  char                 *key_problem;
  char                 *key_provider;
  char                 *key_hint;      /* "needs a key", said before Generate */
  AdwToast             *last_replaced_toast;  /* weak, for tests: the last Undo offered */
  char                 *last_address_warning; /* for tests: the last one said */
  char                 *last_take_toast;      /* for tests: the last take ready/failed said */
  char                 *last_toast_details;   /* for tests: what the last toast's Details shows */
  GHashTable           *keyless;       /* backend ids: takes a key, has none */
  GString              *resume_details;
  GCancellable         *open_cancellable;
  InbTakeEntry         *selected;      /* the take chosen in the library */
  char                 *playing_dir;   /* the take whose clip plays */
  GString              *library_details;
  char                 *deleting_title;
  char                 *drop_name;
  char                 *drop_take_id;  /* a dropped clip's take, in this library */
  InbJob               *preview_job;   /* the take chosen, being made: its previews */
  GCancellable         *server_check_cancellable;
  char                 *server_status_text;
  gboolean              server_reachable;
  GtkFileChooserNative *workflow_chooser;
  char                 *workflow_backend_id;  /* the chooser's: import there */
  GtkWidget            *workflow_dialog;      /* weak */
  guint                 building : 1;
  guint                 close_confirmed : 1;
  guint                 can_generate : 1;
  guint                 updating_fit : 1;
  guint                 details_sized : 1;
  guint                 library_scheduled : 1;
  guint                 flap_was_revealed : 1;     /* before fullscreen */
  guint                 library_was_revealed : 1;
  guint                 flap_folded_seen : 1;      /* as the fold handler last saw it */
  guint                 library_folded_seen : 1;
  guint                 hint_check_id;   /* shows or hides Details after a layout */

  /* Template Widgets */
  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;       /* "Inbetween", backend · model */
  AdwWindowTitle       *window_title_short; /* "Inbetween", backend: where that does not fit */
  AdwSqueezer          *title_squeezer;     /* shows the first of the two that fits */
  GtkDropDown          *model_dropdown;
  GtkButton            *server_status;
  GtkImage             *server_status_icon;
  GtkLabel             *server_status_label;
  GtkButton            *import_workflow_button;
  AdwToastOverlay      *toast_overlay;
  AdwToastOverlay      *player_toasts;   /* over the player only */
  InbToasts            *toasts;          /* every toast goes through these two */
  InbToasts            *player_toast_list;
  AdwFlap              *flap;
  InbKeyframeSlot      *first_slot;
  InbKeyframeSlot      *last_slot;
  GtkTextView          *prompt_view;
  GtkTextView          *negative_view;
  GtkLabel             *prompt_counter;
  GtkLabel             *negative_counter;
  InbParamPanel        *param_panel;
  GtkLabel             *generate_hint;
  GtkWidget            *hint_buttons;    /* Details and Add a Key, side by side */
  GtkButton            *hint_details;    /* the hint whole, when it is cut */
  GtkButton            *key_button;
  GtkButton            *generate_button;
  AdwFlap              *library_flap;
  InbLibraryPanel      *library_panel;
  GtkPaned             *center_paned;
  InbPlayer            *player;
  InbTakeDetails       *take_details;
};

/* inb-window.c */
/* What a toast's one line says whole at 360 px (some 220 px of text; 160
 * beside a button) */
#define INB_WINDOW_TOAST_WHOLE_CHARS 24
void          _inb_window_update_state            (InbWindow      *self);
void          _inb_window_toast_take_ready        (InbWindow      *self,
                                                   const char * const *warnings);
void          _inb_window_toast                   (InbWindow      *self,
                                                   const char     *text);
void          _inb_window_toast_with_details      (InbWindow      *self,
                                                   const char     *title,
                                                   const char     *details);
void          _inb_window_save_params             (InbWindow      *self);
void          _inb_window_refresh_models          (InbWindow      *self);
char         *_inb_window_dup_buffer_text         (GtkTextView    *view);

/* inb-window-framing.c */
void          _inb_window_update_keyframe_notices (InbWindow      *self);
void          _inb_window_fit_selected_cb         (InbWindow      *self,
                                                   GParamSpec     *pspec,
                                                   GtkDropDown    *dropdown);

/* inb-window-generate.c */
void          _inb_window_generate_action         (GtkWidget      *widget,
                                                   const char     *action_name,
                                                   GVariant       *parameter);
void          _inb_window_check_keys              (InbWindow      *self);
void          _inb_window_key_button_clicked_cb   (InbWindow      *self,
                                                   GtkButton      *button);
void          _inb_window_job_finished_cb         (InbWindow      *self,
                                                   InbJob         *job,
                                                   InbJobQueue    *queue);

/* inb-window-library.c */
void          _inb_window_library_class_init      (GtkWidgetClass *widget_class);
void          _inb_window_library_init            (InbWindow      *self);
void          _inb_window_update_take_actions     (InbWindow      *self);
void          _inb_window_show_take               (InbWindow      *self,
                                                   const char     *take_id);

/* inb-window-server.c */
void          _inb_window_check_server            (InbWindow      *self);
void          _inb_window_server_status_clicked_cb (InbWindow     *self,
                                                   GtkButton      *button);
void          _inb_window_follow_preview          (InbWindow      *self,
                                                   InbTakeEntry   *entry);
void          _inb_window_address_warning_cb      (InbWindow      *self,
                                                   InbBackend     *backend,
                                                   const char     *message,
                                                   InbSession     *session);

/* inb-window-workflow.c */
void          _inb_window_workflow_class_init     (GtkWidgetClass *widget_class);
void          _inb_window_workflow_dispose        (InbWindow      *self);
void          _inb_window_update_import           (InbWindow      *self);
gboolean      _inb_window_drop_workflow           (InbWindow      *self,
                                                   GFile          *file);

/* inb-window-actions.c */
void          _inb_window_swap_action             (GtkWidget      *widget,
                                                   const char     *action_name,
                                                   GVariant       *parameter);
void          _inb_window_paste_action            (GtkWidget      *widget,
                                                   const char     *action_name,
                                                   GVariant       *parameter);
void          _inb_window_open_action             (GtkWidget      *widget,
                                                   const char     *action_name,
                                                   GVariant       *parameter);
void          _inb_window_unfullscreen_action     (GtkWidget      *widget,
                                                   const char     *action_name,
                                                   GVariant       *parameter);
void          _inb_window_resume_details_action   (GtkWidget      *widget,
                                                   const char     *action_name,
                                                   GVariant       *parameter);
void          _inb_window_fullscreened_cb         (InbWindow      *self);
void          _inb_window_keyframe_replaced_cb    (InbWindow      *self,
                                                   GPtrArray      *image,
                                                   InbKeyframeSlot *slot);
void          _inb_window_apply_fullscreen        (InbWindow      *self,
                                                   gboolean        fullscreen);
void          _inb_window_folded_cb               (InbWindow      *self);

/* For tests: the parts of the window they drive and check */
InbKeyframeSlot *inb_window_get_first_slot     (InbWindow      *self);
InbKeyframeSlot *inb_window_get_last_slot      (InbWindow      *self);
InbParamPanel   *inb_window_get_param_panel    (InbWindow      *self);
InbPlayer       *inb_window_get_player         (InbWindow      *self);
InbJobQueue     *inb_window_get_job_queue      (InbWindow      *self);
GtkWidget       *inb_window_get_generate_button(InbWindow      *self);
InbLibraryPanel *inb_window_get_library_panel  (InbWindow      *self);
InbTakeDetails  *inb_window_get_take_details   (InbWindow      *self);
void             inb_window_set_prompt         (InbWindow      *self,
                                                const char     *prompt);
gboolean         inb_window_get_can_generate   (InbWindow      *self);
const char      *inb_window_get_generate_problem (InbWindow    *self);
/* The problem shown after Generate (e.g. no API key), or %NULL */
const char      *inb_window_get_key_problem    (InbWindow      *self);
GtkWidget       *inb_window_get_key_button     (InbWindow      *self);
/* What the hint above Generate says now */
const char      *inb_window_get_generate_hint  (InbWindow      *self);
/* The last "keyframe cleared/replaced" toast, or %NULL once it is gone */
AdwToast        *inb_window_get_replaced_toast (InbWindow      *self);
/* The model's line in the header, e.g. "Wan 2.2 Flash · DashScope" */
const char      *inb_window_get_model_subtitle (InbWindow      *self);
const char      *inb_window_get_resume_details (InbWindow      *self);
/* The chosen backend's server, as shown next to the model selector */
const char      *inb_window_get_server_status  (InbWindow      *self,
                                                gboolean       *reachable);
/* The text the load report's Details button shows, or %NULL */
const char      *inb_window_get_library_details (InbWindow     *self);

G_END_DECLS
