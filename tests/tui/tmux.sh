#!/usr/bin/env bash
# The real binary in tmux at fixed sizes: keys sent with send-keys, the
# screen read with capture-pane, polling with a bounded wait (no fixed
# sleeps). Skips (77) without tmux. Usage: tmux.sh CASE
. "$(dirname "$0")/lib.sh"
need_tmux

case_layout_80x24() {
    tmux_start 80x24 "$DATA"
    wait_for "Devices: row 1 of 2" || return
    capture >"$WORK/screen"
    [ "$(wc -l <"$WORK/screen")" -eq 24 ] || fail "not 24 lines"
    [ "$(wc -L <"$WORK/screen")" -le 80 ] || fail "a line wider than 80"
    head -1 "$WORK/screen" | grep -q "^ 1 Devices   2 Models   3 Matrix   4 Query   5 Bench" ||
        fail "tab bar not on the first line"
    sed -n 23p "$WORK/screen" | grep -q "Devices: row 1 of 2" || fail "status line not on row 23"
    tmux_keys 5
    wait_for "No boards attached" || return
    capture >"$WORK/bench"
    diff -u "$ROOT/tests/tui/expected/bench-80x24.screen" "$WORK/bench" ||
        fail "the Bench pane differs from expected/bench-80x24.screen"
    tmux_keys q
    wait_gone "No boards attached"
}

case_inspector() {
    tmux_start 160x50 "$DATA"
    wait_for "Devices: row 1 of 2" || return
    tmux_keys 6
    wait_for "Classes (3)" || return
    tmux_keys j Enter
    wait_for "Referenced by (2)" || return
    tmux_keys j j Enter
    wait_for "A board with nine sensors" || return
    wait_for "back 2, forward 0" || return
    tmux_keys BSpace
    wait_for "back 1, forward 1" || return
    tmux_keys BSpace
    wait_for "Classes (3)" || return
}

case_help() {
    tmux_start 160x50 "$DATA"
    wait_for "Devices: row 1 of 2" || return
    tmux_keys '?'
    wait_for "Show this help" || return
    : >"$WORK/all"
    for _ in 1 2 3 4; do
        capture >>"$WORK/all"
        tmux_keys PageDown
        sleep 0.1
    done
    capture >>"$WORK/all"
    "$BIN" --dump-keys | awk '/^\.B /{ sub(/^\.B /, ""); gsub(/\\-/, "-"); print }' >"$WORK/keys"
    while IFS= read -r keys; do
        has "$WORK/all" "$keys"
    done <"$WORK/keys"
    tmux_keys q
    wait_for "Devices: row 1 of 2"
}

case_resize() {
    tmux_start 80x24 "$DATA"
    wait_for "Devices: row 1 of 2" || return
    tmux_keys 6
    wait_for "Classes (3)" || return
    tmux -L "$TMUX_SOCK" resize-window -x 160 -y 50
    wait_for "Inspector: classes and sources  back 0, forward 0        " || return
    capture >"$WORK/big"
    sed -n 49p "$WORK/big" | grep -q "Inspector: classes and sources" ||
        fail "status line not on row 49 at 160x50"
    sed -n 49p "$WORK/big" | grep -q "default *$" || fail "status line not 160 wide"
    tmux -L "$TMUX_SOCK" resize-window -x 80 -y 24
    sleep 0.2
    wait_for "Classes (3)" || return
    capture >"$WORK/small"
    sed -n 23p "$WORK/small" | grep -q "Inspector: classes and sources" ||
        fail "status line not on row 23 after shrinking"
    [ "$(wc -L <"$WORK/small")" -le 80 ] || fail "a line wider than 80 after shrinking"
}

# The SGR colour parameters in a capture: 3x/4x/9x/10x and 38;5/48;5.
colour_codes() {
    grep -o $'\e\\[[0-9;]*m' | tr ';' '\n' | tr -d $'\e[m' |
        grep -E '^(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38|48)$' | sort -u
}

case_no_color() {
    TS_EXTRA_ENV="NO_COLOR=1" tmux_start 80x24 "$DATA"
    wait_for "Devices: row 1 of 2" || return
    tmux_keys 6
    wait_for "Classes (3)" || return
    capture -e >"$WORK/screen"
    if [ -n "$(colour_codes <"$WORK/screen")" ]; then
        fail "NO_COLOR: colour escape sequences were drawn"
    fi
    grep -q $'\e\\[[0-9;]*7[;m]' "$WORK/screen" || fail "NO_COLOR: no reverse video for the cursor"
}

case_theme_switch() {
    tmux_start 80x24 "$DATA"
    wait_for "Devices: row 1 of 2" || return
    wait_for "| default" || return
    capture -e >"$WORK/before"
    [ -n "$(colour_codes <"$WORK/before")" ] || fail "the default theme drew no colour"
    tmux_keys T
    wait_for "| light" || return
    wait_for "theme: light" || return
    capture -e >"$WORK/after"
    cmp -s "$WORK/before" "$WORK/after" && fail "next-theme changed nothing"
    tmux_keys T T T
    wait_for "| default" || return
}

case_escape() {
    tmux_start 80x24 "$DATA"
    wait_for "Devices: row 1 of 2" || return
    tmux_keys 6 j Enter
    wait_for 'Evil\e[31mRED\e]0;pwned\x07board' || return
    # The label's own SGR would have coloured "RED" red: it must not.
    capture -e >"$WORK/screen"
    grep -qF $'\e[31mRED' "$WORK/screen" && fail "the label's escape sequence reached the terminal"
    title=$(tmux -L "$TMUX_SOCK" display -p '#{pane_title}')
    [ "$title" = "pwned" ] && fail "the label set the window title"
    return 0
}

case_query() {
    mkdir -p "$XDG_STATE_HOME/tinyscope"
    printf 'X\n' >"$XDG_STATE_HOME/tinyscope/query_history"
    tmux_start 80x24 "$DATA"
    wait_for "Devices: row 1 of 2" || return
    tmux_keys 4 Enter C-u 'SELECT ?board ?title WHERE {' Enter \
        '  ?board a s3n:SmartSensor OPTIONAL { ?board td:title ?title }' Enter \
        '} ORDER BY DESC(?board)' C-r
    wait_for "2 rows in" || return
    capture >"$WORK/rows"
    grep -A1 '^board' "$WORK/rows" | grep -q '^ex:nano33 *Nano 33 BLE Sense' ||
        fail 'the rows are not shown in order'
    # A syntax error: the message, the line, a caret under the position.
    tmux_keys Enter C-x 'SELECT * WHERE { ?s ?p }' C-r
    wait_for "<query>:1:24:" || return
    capture >"$WORK/err"
    grep -qx '     SELECT \* WHERE { ?s ?p }' "$WORK/err" || fail "no query line under the error"
    grep -qx '                            ^' "$WORK/err" || fail "no caret under column 24"
    # A query that runs for long: Ctrl-C cancels it, the program stays.
    tmux_keys C-x 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i .' \
        ' ?j ?k ?l . ?m ?o ?p . ?q ?r ?t . ?u ?v ?w }' C-r
    wait_for "Ctrl-C cancels" || return
    tmux_keys C-c
    wait_for "query cancelled" || return
    tmux_keys Escape 6
    wait_for "Classes (3)"
}

case_progress() {
    # Big enough that loading takes a while: the progress shows meanwhile.
    awk 'BEGIN { for (i = 0; i < 400000; i++)
        printf "<http://example.org/s%d> <http://example.org/p> \"%d\" .\n", i, i }' \
        >"$WORK/big.nt"
    tmux_start 80x24 "$WORK/big.nt"
    wait_for "Loading sources" || return
    wait_for "big.nt" || return
    capture | grep -qE '[0-9]+%' || fail "no percentage while loading"
    wait_for "400000 triples in 1 source" 150
}

case_hostile() {
    # Labels crafted to clear the screen, move the cursor, set the title,
    # change colours and reorder text: the terminal must see none of it.
    tmux_start 160x50 "$ROOT/tests/data/hostile.ttl"
    wait_for 'Cursor\e[2J\e[H\e[10;10Hmoved\rover' || return
    wait_for 'Title\e]0;pwned\x07set\e]2;owne' || return
    capture -e >"$WORK/devices"
    tmux_keys 2
    wait_for 'Bidi\u202Eevil\u202C\u2066iso' || return
    wait_for 'Colour\e[41;97mred\u009B31m' || return
    capture -e >"$WORK/models"
    for f in "$WORK/devices" "$WORK/models"; do
        grep -qF $'\e[2J' "$f" && fail "a label cleared the screen"
        grep -qF $'\e[41;97mred' "$f" && fail "a label's colours reached the terminal"
        grep -qF $'\xe2\x80\xae' "$f" && fail "a bidi override reached the terminal"
        grep -qF $'\xc2\x9b' "$f" && fail "a C1 control reached the terminal"
    done
    head -1 "$WORK/models" | grep -q "Devices" || fail "the tab bar moved: the cursor was moved"
    title=$(tmux -L "$TMUX_SOCK" display -p '#{pane_title}')
    case "$title" in *pwned* | *owned*) fail "a label set the window title ($title)" ;; esac
    return 0
}

"case_$1"
finish
