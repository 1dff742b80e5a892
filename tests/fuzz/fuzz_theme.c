/*
 * Fuzz the theme and config file parsers. The first byte picks which one;
 * the rest is the file. The config parser also rebinds keys, so the keymap
 * is checked to stay usable after it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "src/tui/tui_internal.h"
#include "tinyscope/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    char *text = ts_strndup((const char *)data + 1, size - 1);
    ts_diags diags = {0};
    if (data[0] & 1) {
        ts_config cfg = {0};
        ts_config_clear(&cfg);
        ts_keymap km = {0};
        ts_keymap_defaults(&km);
        ts_config_parse(&cfg, &km, "fuzz.config", text, &diags);
        ts_buf keys = {0};
        for (int a = 0; a < TS_ACT_COUNT; a++) {
            ts_keymap_keys_for(&km, TS_KCTX_MAIN, (ts_action)a, &keys);
        }
        ts_buf_free(&keys);
        ts_keymap_free(&km);
        ts_config_clear(&cfg);
    } else {
        ts_theme theme = {0};
        ts_theme_builtin(&theme);
        ts_theme_parse(&theme, "fuzz.theme", text, &diags);
        ts_theme_clear(&theme);
    }
    for (size_t i = 0; i < diags.count; i++) {
        /* every message must be formattable */
        char line[512];
        ts_error_format(&diags.items[i].err, line, sizeof line);
    }
    ts_diags_clear(&diags);
    free(text);
    return 0;
}
