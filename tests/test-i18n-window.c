/* test-i18n-window.c — the window in Simplified Chinese
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Started as a Chinese-speaking artist starts it (LANGUAGE=zh_CN on a
 * C.UTF-8 locale, the build tree's catalog), the window shows its main
 * labels in Chinese, and walking every label, tooltip and menu item that
 * is on screen finds no English left: for every model of every backend
 * (the parameter titles come from the schemas through g_dgettext), with
 * two keyframes of different shapes loaded, and in Preferences. Brand
 * names, units and file names may stay as they are. Each case gets a
 * window of its own.
 *
 * The library and a take's details too: dates, ages, states, counts.
 *
 * With INB_SCREENSHOT set, /i18n-window/screenshot makes
 * docs/screenshot-zh_CN.png (see that case).
 */
#define G_LOG_DOMAIN "test-i18n-window"

#include "config.h"

#include <locale.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "inb-application.h"
#include "inb-backend-registry.h"
#include "inb-job.h"
#include "inb-preferences-window.h"
#include "inb-test-gtk.h"
#include "inb-test-utils.h"
#include "inb-window-private.h"

typedef struct
{
  InbWindow *window;
  InbSession *session;   /* a case's own, on its own takes */
  GtkWidget *prefs;
  GPtrArray *texts;   /* "text\tWhere" */
} Fixture;

static InbApplication *app;
static char *dir;
static char *first_png;
static char *last_png;
static GPtrArray *case_data;  /* each case's data, for the run */

static gconstpointer
keep (char *data)
{
  g_ptr_array_add (case_data, data);
  return data;
}

#define wait_until(f, check, data, seconds) \
  inb_test_wait_until ((f), (InbTestCheck) (check), (data), (seconds))

/* Latin words that are names, units or keys, the same in Chinese */
static const char *const kept_words[] = {
  "Inbetween", "DashScope", "WaveSpeed", "RunComfy", "ComfyUI", "Wan", "AI", "API",
  "CFG", "HD", "fps", "px", "MB", "Ctrl", "Alt", "Enter", "Esc", "PNG", "JPEG", "WebP",
  "BMP", "GIF", "WebM", "ProRes", "HQ", "MOV", "URI", "ID", "JSON", "HTTP", "http", "https",
  "GStreamer", "CLIP", "VAE", "LoRA", "KSampler", "Lightning", "GB",
  "PSNR", "dB",
  NULL
};

/* Whole texts that are ComfyUI's own names (its samplers and schedulers),
 * shown as ComfyUI shows them */
static const char *const kept_texts[] = {
  "euler", "euler_ancestral", "heun", "lcm", "ddim", "simple", "normal", "karras",
  "exponential", "beta",
  NULL
};

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->texts = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->prefs != NULL)
    gtk_window_destroy (GTK_WINDOW (f->prefs));
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_clear_object (&f->session);
  g_ptr_array_unref (f->texts);
}

static void
new_window (Fixture *f,
            int      width)
{
  f->window = inb_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

static void
add_text (Fixture    *f,
          const char *text,
          const char *where)
{
  if (text != NULL && *text != '\0')
    g_ptr_array_add (f->texts, g_strdup_printf ("%s\t%s", text, where));
}

static void
collect_menu (Fixture    *f,
              GMenuModel *menu)
{
  for (int i = 0; menu != NULL && i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *label = NULL;
      g_autoptr(GMenuLinkIter) links = g_menu_model_iterate_item_links (menu, i);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label))
        add_text (f, label, "menu item");
      while (g_menu_link_iter_next (links))
        {
          g_autoptr(GMenuModel) link = g_menu_link_iter_get_value (links);

          collect_menu (f, link);
        }
    }
}

/* Everything on screen a person reads: labels, tooltips and the items of
 * the menus their buttons open. */
static void
collect (Fixture   *f,
         GtkWidget *widget)
{
  const char *where = G_OBJECT_TYPE_NAME (widget);

  if (!gtk_widget_get_mapped (widget))
    return;

  if (GTK_IS_LABEL (widget))
    add_text (f, gtk_label_get_text (GTK_LABEL (widget)), where);
  if (GTK_IS_MENU_BUTTON (widget))
    collect_menu (f, gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)));
  if (GTK_IS_WINDOW (widget))
    add_text (f, gtk_window_get_title (GTK_WINDOW (widget)), "window title");
  add_text (f, gtk_widget_get_tooltip_text (widget), "tooltip");

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (f, child);
}

/* The first Latin word of @text that is not a name, a unit or a key, or
 * NULL: words with digits, dots or underscores are numbers, ids and file
 * names. */
static char *
english_word (const char *text)
{
  g_auto(GStrv) words = NULL;

  if (g_strv_contains (kept_texts, text))
    return NULL;

  words = g_regex_split_simple ("[^A-Za-z0-9_./-]+", text, 0, 0);

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];

      if (strlen (word) < 2 || strpbrk (word, "0123456789./_") != NULL)
        continue;
      if (g_regex_match_simple ("^[A-Za-z]+$", word, 0, 0) && !g_strv_contains (kept_words, word))
        return g_strdup (word);
      /* "in-between": every part counts */
      if (strchr (word, '-') != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (word, "-", -1);

          for (guint j = 0; parts[j] != NULL; j++)
            if (strlen (parts[j]) >= 2 && !g_strv_contains (kept_words, parts[j]))
              return g_strdup (parts[j]);
        }
    }

  return NULL;
}

/* Lists every text still in English and fails if there is any. */
static void
assert_no_english (Fixture    *f,
                   const char *what)
{
  g_autoptr(GString) found = g_string_new (NULL);

  g_assert_cmpuint (f->texts->len, >, 10);
  for (guint i = 0; i < f->texts->len; i++)
    {
      const char *entry = g_ptr_array_index (f->texts, i);
      const char *tab = strrchr (entry, '\t');
      g_autofree char *text = g_strndup (entry, tab - entry);
      g_autofree char *word = english_word (text);

      if (word != NULL)
        g_string_append_printf (found, "\n  “%s” (%s: “%s”)", text, tab + 1, word);
    }

  if (found->len > 0)
    g_test_message ("%s: untranslated English on screen:%s\n"
                    "Mark the string for translation, run "
                    "`meson compile -C build inbetween-update-po` and translate it in po/zh_CN.po.",
                    what, found->str);
  g_assert_cmpuint (found->len, ==, 0);
}

static gboolean
has_text (Fixture    *f,
          const char *text)
{
  for (guint i = 0; i < f->texts->len; i++)
    {
      const char *entry = g_ptr_array_index (f->texts, i);
      size_t len = strlen (text);

      if (strncmp (entry, text, len) == 0 && entry[len] == '\t')
        return TRUE;
    }

  return FALSE;
}

/* Some text on screen holds @part */
static gboolean
has_part (Fixture    *f,
          const char *part)
{
  for (guint i = 0; i < f->texts->len; i++)
    {
      const char *entry = g_ptr_array_index (f->texts, i);
      const char *tab = strrchr (entry, '\t');
      const char *at = strstr (entry, part);

      if (at != NULL && at < tab)
        return TRUE;
    }

  return FALSE;
}

static void
assert_has_part (Fixture    *f,
                 const char *part)
{
  if (!has_part (f, part))
    {
      for (guint i = 0; i < f->texts->len; i++)
        g_test_message ("on screen: %s", (const char *) g_ptr_array_index (f->texts, i));
      g_test_message ("nothing on screen holds “%s”", part);
    }
  g_assert_true (has_part (f, part));
}

static void
assert_has_text (Fixture    *f,
                 const char *text)
{
  if (!has_text (f, text))
    {
      for (guint i = 0; i < f->texts->len; i++)
        g_test_message ("on screen: %s", (const char *) g_ptr_array_index (f->texts, i));
      g_test_message ("not on screen: “%s”", text);
    }
  g_assert_true (has_text (f, text));
}

/* The catalog this process reads is the Chinese one of the build tree. */
static void
test_catalog (void)
{
  const char *header = g_dgettext (GETTEXT_PACKAGE, "");

  g_assert_cmpstr (setlocale (LC_MESSAGES, NULL), !=, "C");
  g_assert_nonnull (strstr (header, "Language: zh_CN"));
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "_Generate"), ==, "生成(_G)");
  /* GTK and libadwaita's own words (dialog buttons, the about window) */
  g_assert_cmpstr (g_dgettext ("gtk40", "_Cancel"), !=, "_Cancel");
}

/* The time left, as a Chinese speaker says it: minutes and hours, not a
 * count of seconds ("ETA 754 s") */
static void
test_time_left (void)
{
  struct { double seconds; const char *text; } cases[] = {
    { 3, "几秒" },
    { 38, "约 40 秒" },
    { 754, "约 13 分钟" },
    { 3600, "约 1 小时" },
    { 7790, "约 2 小时 10 分钟" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = inb_job_format_time_left (cases[i].seconds);

      g_test_message ("%.0f s: %s", cases[i].seconds, text);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* The words an artist sees first, in the words of video tools */
static void
test_main_labels (Fixture       *f,
                  gconstpointer  data)
{
  new_window (f, 1100);
  g_assert_true (inb_window_select_model (f->window, "local", "flow"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  collect (f, GTK_WIDGET (f->window));

  assert_no_english (f, "local/flow");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (inb_window_get_generate_button (f->window))), ==, "生成(_G)");
  assert_has_text (f, "首帧");
  assert_has_text (f, "尾帧");
  assert_has_text (f, "提示词");
  assert_has_text (f, "反向提示词");
  assert_has_text (f, "参数");
  /* The model selector: the model, then its backend, on two lines */
  assert_has_text (f, "光流补帧");
  assert_has_text (f, "本地（本机）");
  assert_has_text (f, "请添加首帧和尾帧");
  assert_has_text (f, "还没有视频");
  /* The schema's parameters, translated at run time, with their units */
  assert_has_text (f, "时长（秒）");
  assert_has_text (f, "帧率（fps）");
  assert_has_text (f, "分辨率");
  assert_has_text (f, "缓动");
  assert_has_text (f, "线性");
  assert_has_text (f, "循环");
}

static gboolean
slots_loaded (Fixture       *f,
              gconstpointer  data)
{
  return !inb_keyframe_slot_get_loading (inb_window_get_first_slot (f->window)) &&
         !inb_keyframe_slot_get_loading (inb_window_get_last_slot (f->window));
}

/* Every model's panel, keyframes loaded (their notices shown) */
static void
test_model (Fixture       *f,
            gconstpointer  data)
{
  const char *id = data;
  g_auto(GStrv) parts = g_strsplit (id, "\n", 2);

  new_window (f, 1100);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_first_slot (f->window)), first_png);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_last_slot (f->window)), last_png);
  g_assert_true (wait_until (f, slots_loaded, NULL, 30));
  g_assert_true (inb_window_select_model (f->window, parts[0], parts[1]));
  inb_window_set_prompt (f->window, "镜头缓缓推近，小球滚向右边");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  collect (f, GTK_WIDGET (f->window));

  assert_no_english (f, id);
  assert_has_text (f, "首帧");
  assert_has_text (f, "参数");
}

/* A provider's page in Preferences: the key, the region, the address */
static void
test_preferences (Fixture       *f,
                  gconstpointer  data)
{
  InbBackendRegistry *registry = inb_session_get_registry (inb_application_get_session (app));

  new_window (f, 1100);
  f->prefs = inb_window_show_preferences (f->window, data);
  gtk_test_widget_wait_for_draw (f->prefs);
  collect (f, f->prefs);

  assert_no_english (f, data);
  if (inb_backend_takes_key (inb_backend_registry_lookup (registry, data)))
    assert_has_text (f, "API 密钥");
  else
    assert_has_text (f, "地址");
}

/* The library's takes ----------------------------------------------------- */

static void
write_take (const char *takes_dir,
            const char *id,
            const char *created,
            const char *extra)
{
  g_autofree char *take_dir = g_build_filename (takes_dir, id, NULL);
  g_autofree char *path = g_build_filename (take_dir, "take.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (take_dir, 0700), ==, 0);
  text = g_strdup_printf ("{\"schema_version\": 1, \"id\": \"%s\", \"created\": \"%s\", "
                          "\"backend\": \"local\", \"model\": \"flow\", \"prompt\": \"小球滚向右边\", "
                          "\"negative_prompt\": \"\", \"seed\": 7, \"history\": [], \"error\": null, "
                          "\"parameters\": {\"duration\": 1, \"fps\": 8, \"resolution\": \"480p\", "
                          "\"fit\": \"crop\"}, \"timings\": {\"total\": 42.5}, %s}",
                          id, created, extra);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static gboolean
library_loaded (Fixture       *f,
                gconstpointer  data)
{
  return inb_library_get_loaded (inb_session_get_library (f->session));
}

static gboolean
details_loaded (Fixture       *f,
                gconstpointer  data)
{
  return inb_take_details_get_loaded (inb_window_get_take_details (f->window));
}

/* The library as a Chinese-speaking artist reads it: each take's age or
 * date in the translation's g_date_time_format() patterns (not "2 Jan"),
 * its state and frame count in Chinese, and a take's details — the
 * settings, the run, the date it was made — with no English left. */
static void
test_library (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *takes_dir = g_build_filename (dir, "library-case", "takes", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) recent = g_date_time_add_minutes (now, -5);
  g_autofree char *recent_stamp = g_date_time_format (recent, "%Y-%m-%dT%H:%M:%SZ");
  InbLibraryPanel *panel;
  InbTakeEntry *done;

  /* Noon UTC: the same day in any time zone the machine has */
  write_take (takes_dir, "20250102-120000-aaaaaa", "2025-01-02T12:00:00Z",
              "\"number\": 1, \"state\": \"done\", \"starred\": true, "
              "\"result\": {\"frames\": 8, \"fps\": 16, \"width\": 320, \"height\": 240}");
  write_take (takes_dir, "20250103-120000-bbbbbb", "2025-01-03T12:00:00Z",
              "\"number\": 2, \"state\": \"cancelled\", \"title\": \"日落时的气球\"");
  write_take (takes_dir, "20260101-120000-cccccc", recent_stamp, "\"number\": 3, \"state\": \"interrupted\"");

  f->session = inb_session_new (NULL);
  inb_session_set_takes_dir (f->session, takes_dir);
  f->window = g_object_new (INB_TYPE_WINDOW, "application", app, "session", f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1600, 900);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (wait_until (f, library_loaded, NULL, 20));
  adw_flap_set_reveal_flap (f->window->library_flap, TRUE);

  panel = inb_window_get_library_panel (f->window);
  done = inb_library_lookup (inb_session_get_library (f->session), "20250102-120000-aaaaaa");
  g_assert_nonnull (done);
  inb_library_panel_select (panel, done);
  g_assert_true (wait_until (f, details_loaded, NULL, 10));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  collect (f, GTK_WIDGET (f->window));

  assert_no_english (f, "library");
  /* Ages and dates: a take of another year, one of a few minutes ago */
  assert_has_part (f, "2025年1月2日");
  assert_has_part (f, "2025年1月3日");
  assert_has_part (f, "分钟前");
  /* States, counts, names */
  assert_has_text (f, "已完成");
  assert_has_text (f, "已取消");
  assert_has_text (f, "已中断");
  /* the row gives the size and rate, the details the frames too */
  assert_has_text (f, "320\u00a0×\u00a0240 · 16 fps");
  assert_has_part (f, "8 帧 · 16 fps · 320\u00a0×\u00a0240");
  assert_has_text (f, "日落时的气球");
  assert_has_part (f, "镜次 1");
  /* The details: the settings, the run and when it was made */
  assert_has_text (f, "设置");
  assert_has_text (f, "总耗时");
  assert_has_text (f, "1 秒");   /* a value with its unit, "1 s" */
  assert_has_text (f, "生成时间");
  assert_has_part (f, "2025年1月2日 ");
}

static gboolean
job_finished (Fixture       *f,
              gconstpointer  data)
{
  GListModel *jobs = G_LIST_MODEL (inb_window_get_job_queue (f->window));
  g_autoptr(InbJob) job = NULL;

  if (g_list_model_get_n_items (jobs) == 0)
    return FALSE;
  job = g_list_model_get_item (jobs, g_list_model_get_n_items (jobs) - 1);

  return inb_job_state_is_terminal (inb_job_get_state (job));
}

static gboolean
player_ready (Fixture       *f,
              gconstpointer  data)
{
  InbPlayback *playback = inb_player_get_playback (inb_window_get_player (f->window));

  return inb_playback_get_prerolled (playback) && inb_playback_get_texture (playback) != NULL;
}

static gboolean
time_passed (Fixture       *f,
             gconstpointer  data)
{
  return g_get_monotonic_time () >= *(const gint64 *) data;
}

static void
wake_cb (gpointer data)
{
}

/* docs/screenshot-zh_CN.png: the bundled samples, a finished take paused
 * mid-way, then a Wan model chosen (INB_SCREENSHOT_MODEL, "backend/model",
 * else DashScope's) with a Chinese prompt; the window as
 * wide as INB_SCREENSHOT_WIDTH (1100). Only when
 * INB_SCREENSHOT names where to save it:
 *   INB_SCREENSHOT=$PWD/docs/screenshot-zh_CN.png GDK_BACKEND=x11 GSK_RENDERER=cairo \
 *     GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory dbus-run-session -- \
 *     xvfb-run -a -s "-screen 0 1280x800x24" meson test -C build --no-rebuild \
 *     test-i18n-window --test-args '-p /i18n-window/screenshot'
 * (through `meson test`, for the environment of tests/meson.build:
 * GSETTINGS_*, INB_SAMPLES_DIR, INB_LOCALEDIR; `meson devenv` lacks them). */
static void
test_screenshot (Fixture       *f,
                 gconstpointer  data)
{
  const char *path = g_getenv ("INB_SCREENSHOT");
  const char *samples = g_getenv ("INB_SAMPLES_DIR");
  const char *width = g_getenv ("INB_SCREENSHOT_WIDTH");
  InbParamPanel *panel;
  InbPlayback *playback;
  g_autoptr(JsonNode) resolution = json_node_new (JSON_NODE_VALUE);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_auto(GStrv) model = NULL;
  gint64 until;

  if (path == NULL || *path == '\0' || samples == NULL)
    {
      g_test_skip ("Set INB_SCREENSHOT to a PNG path to make docs/screenshot-zh_CN.png");
      return;
    }

  new_window (f, width != NULL ? atoi (width) : 1100);
  g_assert_true (inb_window_select_model (f->window, "local", "flow"));
  panel = inb_window_get_param_panel (f->window);
  playback = inb_player_get_playback (inb_window_get_player (f->window));
  first = g_build_filename (samples, "first.jpg", NULL);
  last = g_build_filename (samples, "last.jpg", NULL);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_first_slot (f->window)), first);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_last_slot (f->window)), last);
  g_assert_true (wait_until (f, slots_loaded, NULL, 30));

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 3);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), 12);
  json_node_set_string (resolution, "480p");
  g_assert_true (inb_param_panel_set_value (panel, "resolution", resolution));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  g_assert_true (wait_until (f, job_finished, NULL, 300));
  g_assert_true (wait_until (f, player_ready, NULL, 20));
  inb_playback_seek_frame (playback, inb_playback_get_n_frames (playback) / 2);
  /* Then the artist turns to Wan (or INB_SCREENSHOT_MODEL, "backend/model"),
   * with a prompt in Chinese */
  model = g_strsplit (g_getenv ("INB_SCREENSHOT_MODEL") != NULL ? g_getenv ("INB_SCREENSHOT_MODEL")
                                                                 : "dashscope/wan2.2-kf2v-flash", "/", 2);
  if (inb_window_select_model (f->window, model[0], model[1]))
    inb_window_set_prompt (f->window, "热气球缓缓升起，飘向远处的群山，镜头慢慢推近");

  /* Let the toast go, then take the picture */
  until = g_get_monotonic_time () + 4500 * G_TIME_SPAN_MILLISECOND;
  g_timeout_add_once (4600, wake_cb, NULL);
  g_assert_true (wait_until (f, time_passed, &until, 10));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  collect (f, GTK_WIDGET (f->window));
  assert_no_english (f, "screenshot");
  inb_test_save_screenshot (GTK_WIDGET (f->window), path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  GListModel *backends;
  const char *localedir = g_getenv ("INB_LOCALEDIR");
  int ret;

  /* A Chinese-speaking artist on a machine with no zh_CN locale built:
   * LANGUAGE alone picks the catalogs on C.UTF-8. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("LANG", "C.UTF-8", TRUE);
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");

  dir = g_dir_make_tmp ("inb-i18n-window-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);

  /* gtk_test_init() sets a locale of its own: the user's comes after */
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  g_assert_nonnull (localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  adw_init ();

  first_png = inb_test_write_disc_png (dir, "first.png", 160, 96, 40, 48);
  last_png = inb_test_write_disc_png (dir, "last.png", 120, 96, 80, 44);

  case_data = g_ptr_array_new_with_free_func (g_free);
  app = inb_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/i18n-window/catalog", test_catalog);
  g_test_add_func ("/i18n-window/time-left", test_time_left);
  g_test_add ("/i18n-window/main-labels", Fixture, NULL, fixture_setup, test_main_labels, fixture_teardown);

  backends = inb_backend_registry_get_backends (inb_session_get_registry (inb_application_get_session (app)));
  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);
      GPtrArray *models = inb_backend_get_models (backend);

      for (guint j = 0; j < models->len; j++)
        {
          InbModel *model = g_ptr_array_index (models, j);
          g_autofree char *path = g_strdup_printf ("/i18n-window/model/%s/%s", inb_backend_get_id (backend),
                                                   inb_model_get_id (model));

          g_test_add (path, Fixture,
                      keep (g_strdup_printf ("%s\n%s", inb_backend_get_id (backend), inb_model_get_id (model))),
                      fixture_setup, test_model, fixture_teardown);
        }

      /* The providers Preferences has a page for */
      if (inb_backend_takes_key (backend) || inb_backend_has_address (backend))
        {
          g_autofree char *path = g_strdup_printf ("/i18n-window/preferences/%s", inb_backend_get_id (backend));

          g_test_add (path, Fixture, keep (g_strdup (inb_backend_get_id (backend))),
                      fixture_setup, test_preferences, fixture_teardown);
        }
    }

  g_test_add ("/i18n-window/library", Fixture, NULL, fixture_setup, test_library, fixture_teardown);
  g_test_add ("/i18n-window/screenshot", Fixture, NULL, fixture_setup, test_screenshot, fixture_teardown);

  ret = g_test_run ();

  g_clear_object (&app);
  g_ptr_array_unref (case_data);
  inb_test_rm_rf (dir);
  g_free (dir);
  g_free (first_png);
  g_free (last_png);

  return ret;
}
