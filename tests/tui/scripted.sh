#!/usr/bin/env bash
# The UI headless: keys from a script, screens saved as text, compared.
# Deterministic (no terminal, no timing). Usage: scripted.sh CASE
. "$(dirname "$0")/lib.sh"
EXPECTED="$ROOT/tests/tui/expected"

case_layout() {
    cat >"$WORK/s" <<S
:save-display $WORK/devices.screen
5
:save-display $WORK/bench.screen
S
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    for f in devices bench; do
        [ "$(wc -l <"$WORK/$f.screen")" -eq 24 ] || fail "$f: not 24 lines"
        [ "$(wc -L <"$WORK/$f.screen")" -le 80 ] || fail "$f: a line is wider than 80"
    done
    if ! diff -u "$EXPECTED/bench-80x24.screen" "$WORK/bench.screen"; then
        fail "the Bench pane at 80x24 differs from expected/bench-80x24.screen"
    fi
    has "$WORK/devices.screen" " 1 Devices   2 Models   3 Matrix   4 Query   5 Bench   6 Inspector"
    has "$WORK/devices.screen" "Nano 33 BLE Sen"
    has "$WORK/devices.screen" "Models that fit (0 of 1)"
    sed -n 23p "$WORK/devices.screen" | grep -q "Devices: row 1 of 2" || fail "status line not on row 23"
}

case_inspector() {
    cat >"$WORK/s" <<S
6
:save-display $WORK/home.screen
j<Enter>
:save-display $WORK/class.screen
jj<Enter>
:save-display $WORK/board.screen
<BS>
:save-display $WORK/back.screen
<BS>
:save-display $WORK/back2.screen
u
:save-display $WORK/forward.screen
onnet:NeuralNetwork<Enter>
:save-display $WORK/goto.screen
oex:nothing-here<Enter>
:save-display $WORK/missing.screen
/spot<Enter>
:save-colors $WORK/search.colors
S
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    has "$WORK/home.screen" "Classes (3)"
    has "$WORK/home.screen" "Smart sensor  2  s3n:SmartSensor"
    has "$WORK/class.screen" "Referenced by (2)"
    has "$WORK/class.screen" "← rdf:type"
    has "$WORK/board.screen" "Nano 33 BLE Sense"
    has "$WORK/board.screen" "64  xsd:integer"
    has "$WORK/board.screen" "A board with nine sensors  @en"
    has "$WORK/board.screen" "← ex:runsOn"
    has "$WORK/board.screen" "back 2, forward 0"
    has "$WORK/back.screen" "Referenced by (2)"
    has "$WORK/back.screen" "back 1, forward 1"
    has "$WORK/back2.screen" "Classes (3)"
    has "$WORK/forward.screen" "back 1, forward 1"
    has "$WORK/forward.screen" "Referenced by (2)"
    has "$WORK/goto.screen" "Keyword spotting"
    has "$WORK/goto.screen" "nnet:NeuralNetwork  back 2"
    has "$WORK/missing.screen" "no triples mention"
    # The match is drawn in the theme's match colours (black on yellow): 4 cells.
    grep -q '^[0-9]* [0-9]* 4 0 3 ' "$WORK/search.colors" || fail "the search match is not highlighted"
}

case_help() {
    # Page through the help, saving each page, then check that every key of
    # the key table (as --dump-keys prints it) is on some page.
    {
        echo "?"
        for i in $(seq 1 12); do
            echo ":save-display $WORK/help$i.screen"
            echo "<PgDn>"
        done
        echo "q"
        echo ":save-display $WORK/closed.screen"
    } >"$WORK/s"
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    cat "$WORK"/help*.screen >"$WORK/all"
    "$BIN" --dump-keys | awk '/^\.B /{ sub(/^\.B /, ""); gsub(/\\-/, "-"); print }' >"$WORK/keys"
    [ -s "$WORK/keys" ] || fail "--dump-keys printed no keys"
    while IFS= read -r keys; do
        has "$WORK/all" "$keys"
    done <"$WORK/keys"
    has "$WORK/all" "Query editor"
    has "$WORK/all" "6 Inspector"
    has "$WORK/closed.screen" "Devices: row 1 of 2"
}

case_reload() {
    cat >"$WORK/s" <<S
6
jj<Enter>
r
:save-display $WORK/reloaded.screen
<BS>
:save-display $WORK/back.screen
S
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    has "$WORK/reloaded.screen" "reloaded: 19 triples in 1 source"
    has "$WORK/reloaded.screen" "nnet:NeuralNetwork  back 1"
    has "$WORK/back.screen" "Classes (3)"
}

# bytes SEED N: N pseudo-random bytes (1..255), the same for the same seed.
bytes() {
    LC_ALL=C awk -v seed="$1" -v n="$2" \
        'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%c", int(rand() * 255) + 1 }'
}

case_junk() {
    # Nonsense in a script, a theme and a config is reported, never fatal.
    mkdir -p "$XDG_CONFIG_HOME/tinyscope/themes"
    bytes 1 3000 >"$XDG_CONFIG_HOME/tinyscope/themes/junk.theme"
    bytes 2 3000 >"$XDG_CONFIG_HOME/tinyscope/config"
    for seed in 3 4 5 6 7 8; do
        {
            echo ":resize 0x0"
            echo ":resize 99999x1"
            echo ":click -5 -5"
            echo ":click 100000 100000"
            echo ":wheel 1000 1000 down"
            echo ":no-such-command"
            echo "<Nope><F99><C-?>"
            bytes "$seed" 3000 | tr -d '\n:#qe'
            echo
            printf '%05000d\n' 0
            echo "<Esc><Esc>6<Enter><Esc>4<Enter>"
            bytes "$seed" 500 | tr -d '\n\r\033qe'
            echo "<C-r>"
            echo ":save-display $WORK/end.screen"
        } >"$WORK/s"
        rm -f "$WORK/end.screen"
        run_script 80x24 "$WORK/s" --theme junk "$DATA" || fail "seed $seed: exit status $?"
        [ -s "$WORK/end.screen" ] || fail "seed $seed: the script did not run to its end"
    done
    printf ':save-display %s\n' "$WORK/start.screen" >"$WORK/s2"
    run_script 80x24 "$WORK/s2" --theme junk "$DATA" || fail "exit status $?"
    has "$WORK/start.screen" "theme: "
    run_script 80x24 "$WORK/s2" --theme ../../etc "$DATA" || fail "exit status $?"
    has "$WORK/start.screen" "theme '../../etc' not found"
}

case_nocatalog() {
    # A broken view: the catalog cannot be built; the panes say so, and why.
    mkdir -p "$XDG_CONFIG_HOME/tinyscope/views"
    printf 'SELECT ?board WHERE {\n  ?board a\n' >"$XDG_CONFIG_HOME/tinyscope/views/boards.rq"
    cat >"$WORK/s" <<S
:save-display $WORK/devices.screen
3
:save-display $WORK/matrix.screen
S
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    has "$WORK/devices.screen" "No device catalog"
    has "$WORK/devices.screen" "Loaded: 19 triples in 1 source"
    has "$WORK/devices.screen" "boards.rq:"
    has "$WORK/matrix.screen" "No compatibility matrix"
}

case_catalog() {
    # The sample graphs through the bundled views: boards, models, matrix.
    cat >"$WORK/s" <<S
/nano<Enter>
:save-display $WORK/devices.screen
2/hello<Enter>
:save-display $WORK/models.screen
3
:save-display $WORK/matrix.screen
1/ram>=1000 flash>2000<Enter>
:save-display $WORK/bigram.screen
/ram<lt><lt>1<Enter>
:save-display $WORK/bad.screen
S
    run_script 100x30 "$WORK/s" || fail "exit status $?"
    # The quick filter language: two boards have 1 MB of RAM and 2 MB+ flash.
    has "$WORK/bigram.screen" "row 1 of 2 (of 14)"
    has "$WORK/bigram.screen" "Arduino Portenta"
    lacks "$WORK/bigram.screen" "SparkFun Edge"
    has "$WORK/bad.screen" "filter:1:"
    has "$WORK/bad.screen" "row 1 of 2 (of 14)"
    has "$WORK/devices.screen" "Arduino Nano 33 BLE Sense"
    has "$WORK/devices.screen" "filter: nano"
    has "$WORK/devices.screen" "Models that fit"
    has "$WORK/models.screen" "Hello_World"
    has "$WORK/models.screen" "Boards that fit"
    has "$WORK/matrix.screen" "✓"
    has "$WORK/matrix.screen" " fits: RAM "
}

case_mouse() {
    cat >"$WORK/s" <<S
:click 0 60
:save-display $WORK/tab.screen
:click 6 10
:save-display $WORK/select.screen
:click 6 10
:save-display $WORK/follow.screen
:click 0 38
:save-display $WORK/query.screen
:click 4 20
:save-display $WORK/editing.screen
S
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    has "$WORK/tab.screen" "Classes (3)"
    has "$WORK/select.screen" "Classes (3)"
    has "$WORK/follow.screen" "Referenced by (2)"
    has "$WORK/query.screen" "─ Query ─"
    has "$WORK/editing.screen" "Query (editing)"
    # The wheel scrolls the help three lines at a time.
    printf '?\n:wheel 5 5 down\n:save-display %s\n' "$WORK/wheel.screen" >"$WORK/s"
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    has "$WORK/wheel.screen" "Help: lines 4-"
}

case_escape() {
    cat >"$WORK/s" <<S
6
j<Enter>
:save-display $WORK/class.screen
S
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    has "$WORK/class.screen" 'Evil\e[31mRED\e]0;pwned\x07board'
    if LC_ALL=C grep -q "$(printf '\033')" "$WORK/class.screen"; then
        fail "an escape character reached the screen"
    fi
}

case_colours() {
    cat >"$WORK/s" <<S
:save-colors $WORK/default.colors
T
:save-colors $WORK/light.colors
:save-display $WORK/light.screen
S
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    has "$WORK/light.screen" "theme: light"
    has "$WORK/light.screen" "| light"
    cmp -s "$WORK/default.colors" "$WORK/light.colors" && fail "next-theme changed no colour"
    # Colours in use (column 4 fg, 5 bg): the default theme has some.
    awk '$4 != -1 || $5 != -1 { found = 1 } END { exit !found }' "$WORK/default.colors" ||
        fail "the default theme shows no colour"
    NO_COLOR=1 run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    awk '$4 != -1 || $5 != -1 { bad = 1 } END { exit bad }' "$WORK/default.colors" ||
        fail "NO_COLOR: colours were drawn"
    # Without colour the cursor and status line still stand out (reverse).
    awk '$6 ~ /r/ { found = 1 } END { exit !found }' "$WORK/default.colors" ||
        fail "NO_COLOR: nothing in reverse video"
    "$BIN" --theme monochrome --dump-keys >/dev/null || fail "--theme with --dump-keys"
    cat >"$WORK/s" <<S
:save-colors $WORK/mono.colors
S
    run_script 80x24 "$WORK/s" --theme monochrome "$DATA" || fail "exit status $?"
    awk '$4 != -1 || $5 != -1 { bad = 1 } END { exit bad }' "$WORK/mono.colors" ||
        fail "monochrome: colours were drawn"
}

case_resize() {
    cat >"$WORK/s" <<S
6
:resize 160x50
:save-display $WORK/big.screen
:resize 80x24
:save-display $WORK/small.screen
:resize 30x8
:save-display $WORK/tiny.screen
:resize 80x24
:save-display $WORK/again.screen
S
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    [ "$(wc -l <"$WORK/big.screen")" -eq 50 ] || fail "not 50 lines at 160x50"
    [ "$(wc -L <"$WORK/big.screen")" -le 160 ] || fail "a line wider than 160"
    sed -n 49p "$WORK/big.screen" | grep -q "Inspector: classes and sources" ||
        fail "status line not on row 49 at 160x50"
    has "$WORK/tiny.screen" "too small"
    cmp -s "$WORK/small.screen" "$WORK/again.screen" || fail "80x24 differs after resizing back"
    [ "$(wc -l <"$WORK/small.screen")" -eq 24 ] || fail "not 24 lines after resize"
}

case_ascii() {
    cat >"$WORK/s" <<S
:save-display $WORK/q.screen
6
jjj<Enter><Enter>
:save-display $WORK/i.screen
5
:save-display $WORK/b.screen
S
    run_script 80x24 "$WORK/s" --ascii "$DATA" || fail "exit status $?"
    if LC_ALL=C grep -q '[^ -~]' "$WORK/q.screen" "$WORK/i.screen" "$WORK/b.screen"; then
        fail "--ascii drew non-ASCII characters"
    fi
    has "$WORK/b.screen" "+- Ports ---"
    has "$WORK/i.screen" 'Mots-cl\u00E9s'
    # A non-UTF-8 locale falls back to ASCII on its own.
    LC_ALL=C run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    if LC_ALL=C grep -q '[^ -~]' "$WORK/b.screen"; then
        fail "the C locale drew non-ASCII characters"
    fi
}

case_query() {
    cat >"$WORK/s" <<S
4
<Enter><C-u>
<C-p>
:save-display $WORK/recalled.screen
<C-r>
:save-display $WORK/run.screen
<Esc>s
:save-display $WORK/sorted.screen
S
    mkdir -p "$XDG_STATE_HOME/tinyscope"
    printf 'SELECT ?old ?name WHERE {\\n  ?old schema:name ?name\\n}\n' \
        >"$XDG_STATE_HOME/tinyscope/query_history"
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    has "$WORK/recalled.screen" "  1 SELECT ?old ?name WHERE {"
    has "$WORK/recalled.screen" "  2   ?old schema:name ?name"
    has "$WORK/run.screen" "2 rows in"
    has "$WORK/run.screen" "Mots-clés@fr"
    has "$WORK/sorted.screen" "sorted by old"
    [ "$(wc -l <"$XDG_STATE_HOME/tinyscope/query_history")" -eq 1 ] ||
        fail "a repeated query was stored twice"
    ls "$XDG_STATE_HOME/tinyscope" | grep -q tmp && fail "a temporary history file was left"
    # Export the results table.
    cat >"$WORK/s" <<S
4<Enter><C-r><Esc>e<C-u>$WORK/out.csv<Enter>
:save-display $WORK/export.screen
S
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    has "$WORK/export.screen" "exported to $WORK/out.csv"
    has "$WORK/out.csv" "old,name"
    has "$WORK/out.csv" "ex:kws,Keyword spotting"
    # Written beside the target and renamed: nothing left, the usual mode.
    ls "$WORK" | grep -q 'out.csv.tmp' && fail "a temporary export file was left"
    [ "$(stat -c %a "$WORK/out.csv")" = "$(printf '%o' $((0666 & ~$(umask))))" ] ||
        fail "the export's mode ignores the umask: $(stat -c %a "$WORK/out.csv")"
}

case_config() {
    mkdir -p "$XDG_CONFIG_HOME/tinyscope"
    printf 'theme = light\nbind main x quit\nbind main q none\nwat = 1\n' \
        >"$XDG_CONFIG_HOME/tinyscope/config"
    cat >"$WORK/s" <<S
:save-display $WORK/start.screen
q
:save-display $WORK/after-q.screen
x
:save-display $WORK/never.screen
S
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    has "$WORK/start.screen" "| light"
    has "$WORK/start.screen" "config/tinyscope/config:4:1: unknown setting"
    has "$WORK/after-q.screen" "Devices: row 1 of 2"
    [ -f "$WORK/never.screen" ] && fail "x did not quit"
    # The help shows the rebinding.
    printf '?\n:save-display %s\n' "$WORK/help.screen" >"$WORK/s"
    run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    has "$WORK/help.screen" "x                      Quit tinyscope"
}

case_trace() {
    printf 'j\nk\n' >"$WORK/s"
    TINYSCOPE_TRACE="$WORK/trace" run_script 80x24 "$WORK/s" "$DATA" || fail "exit status $?"
    has "$WORK/trace" "first-frame"
    has "$WORK/trace" "loaded"
    has "$WORK/trace" "key=j"
    has "$WORK/trace" "key_to_frame_ms="
}

case_pipe() {
    # Not a terminal: the summary of what was loaded, no UI.
    "$BIN" "$DATA" </dev/null >"$WORK/out" || fail "exit status $?"
    has "$WORK/out" "triples in 1 source"
}

# matrix_case SIZE FILTER FILE...: the Matrix pane at SIZE: frozen headers
# while scrolling both ways, the cursor cell's verdict, reasons and headroom
# on the status line, the quick filter, inspecting the board and the model,
# and the export, all checked against `tinyscope matrix` on the same files.
matrix_case() {
    local size=$1 filter=$2 rows=${1#*x}
    shift 2
    cat >"$WORK/s" <<S
3
:save-display $WORK/m-start.screen
$(printf 'l%.0s' $(seq 1 30))
:save-display $WORK/m-right.screen
jjjjj<PgDn>
:save-display $WORK/m-down.screen
G
:save-display $WORK/m-last.screen
$(printf 'h%.0s' $(seq 1 30))g
:save-display $WORK/m-home.screen
/$filter<Enter>
:save-display $WORK/m-filtered.screen
e<C-u>$WORK/matrix.csv<Enter>
:save-display $WORK/m-exported.screen
<Enter>
:save-display $WORK/m-board.screen
3i
:save-display $WORK/m-model.screen
S
    run_script "$size" "$WORK/s" "$@" || fail "exit status $?"
    "$BIN" matrix --format csv "$@" >"$WORK/cli.csv" || fail "tinyscope matrix failed"
    "$BIN" matrix --format csv --models "$filter" "$@" >"$WORK/cli-filtered.csv"
    # Models and boards in name order, as the CLI lists them.
    awk -F, 'NR > 1 && !seen[$2]++ { print $2 }' "$WORK/cli.csv" >"$WORK/models"
    awk -F, 'NR > 1 && !seen[$4]++ { print $4 }' "$WORK/cli.csv" >"$WORK/boards"
    local models boards shown first last board
    models=$(wc -l <"$WORK/models")
    boards=$(wc -l <"$WORK/boards")
    shown=$(awk -F, 'NR > 1 && !seen[$2]++' "$WORK/cli-filtered.csv" | wc -l)
    first=$(head -1 "$WORK/models")
    last=$(tail -1 "$WORK/models")
    board=$(sed -n 31p "$WORK/boards")
    [ "$boards" -gt 31 ] && [ "$models" -gt $((rows * 2)) ] || fail "too few models or boards to scroll"
    for f in start right down last home; do
        # The header row and the model column stay whatever the scrolling.
        sed -n 2p "$WORK/m-$f.screen" | grep -q "^Model " || fail "$f: the header row moved"
        [ "$(wc -l <"$WORK/m-$f.screen")" -eq "$rows" ] || fail "$f: not $rows lines"
    done
    has "$WORK/m-start.screen" "$first"
    sed -n 2p "$WORK/m-start.screen" | grep -q "←" && fail "an arrow left before scrolling"
    sed -n 2p "$WORK/m-start.screen" | grep -q "→" || fail "no arrow for the boards on the right"
    has "$WORK/m-right.screen" "$first"
    sed -n 2p "$WORK/m-right.screen" | grep -q "←" || fail "no arrow for the boards on the left"
    has "$WORK/m-right.screen" "${board:0:8}"
    has "$WORK/m-last.screen" "$last"
    lacks "$WORK/m-last.screen" "$first"
    sed -n 2p "$WORK/m-home.screen" | grep -q "←" && fail "an arrow left back at the first board"
    has "$WORK/m-home.screen" "$first"
    # The status line gives the cursor cell's verdict and reasons as
    # `tinyscope matrix` does, first, then the headroom.
    local verdict reasons line
    verdict=$(awk -F, -v m="$last" -v b="$board" '$2 == m && $4 == b { print $5 }' "$WORK/cli.csv")
    reasons=$(awk -F, -v m="$last" -v b="$board" '$2 == m && $4 == b { print $6 }' "$WORK/cli.csv")
    [ -n "$verdict" ] || fail "no cell for $last on $board in tinyscope matrix's output"
    line=$(sed -n "$((rows - 1))p" "$WORK/m-last.screen")
    local want=" $verdict${reasons:+: $reasons}"
    [ "${line:0:${#want}}" = "$want" ] || fail "status line '$line' does not start with '$want'"
    if [ "$size" = 160x50 ]; then
        has "$WORK/m-last.screen" "RAM "
        has "$WORK/m-start.screen" "[1/$models x 1/$boards]"
        has "$WORK/m-right.screen" "[1/$models x 31/$boards]"
        has "$WORK/m-last.screen" "| $last on $board [$models/$models x 31/$boards]"
        has "$WORK/m-home.screen" "[1/$models x 1/$boards]"
        has "$WORK/m-filtered.screen" "[1/$shown x 1/$boards, filter: $filter]"
    fi
    # The filter keeps the models it matches; the export is the matrix
    # writer's, for the models shown.
    has "$WORK/m-filtered.screen" "$(awk -F, 'NR == 2 { print $2 }' "$WORK/cli-filtered.csv" | cut -c1-20)"
    has "$WORK/m-exported.screen" "exported to $WORK/matrix.csv"
    cmp -s "$WORK/cli-filtered.csv" "$WORK/matrix.csv" ||
        fail "the exported matrix differs from tinyscope matrix --models $filter"
    [ "$(wc -l <"$WORK/matrix.csv")" -eq $((shown * boards + 1)) ] ||
        fail "export: not $shown x $boards records"
    # Enter inspects the cell's board; i the model of the row.
    sed -n 2p "$WORK/m-board.screen" | grep -qF "$(sed -n 1p "$WORK/boards" | cut -c1-20)" ||
        fail "Enter did not inspect the first board"
    sed -n 2p "$WORK/m-model.screen" | grep -qF "$(awk -F, 'NR == 2 { print $2 }' \
        "$WORK/cli-filtered.csv" | cut -c1-20)" || fail "i did not inspect the model"
}

# A graph with more models and boards than either size shows (kggen).
matrix_graph() {
    "${TS_KGGEN:?TS_KGGEN is not set}" --models 150 --boards 45 -o "$WORK/kg.ttl" 2>/dev/null ||
        fail "kggen"
}
case_matrix_80x24() { matrix_graph; matrix_case 80x24 _1 "$WORK/kg.ttl"; }
case_matrix_160x50() { matrix_graph; matrix_case 160x50 _2 "$WORK/kg.ttl"; }

# layers_case SIZE: a .tflite model built by the tests, loaded beside a
# Turtle file whose model has no layers: the layer table of the model under
# the cursor, fetched as the cursor moves, and scrolled with the whole pane.
layers_case() {
    local size=$1
    "${TS_MAKE_TFLITE:?TS_MAKE_TFLITE is not set}" "$WORK/Tiny_Net.tflite" || fail "make_tflite"
    cat >"$WORK/s" <<S
2
:save-display $WORK/l-first.screen
j
:save-display $WORK/l-tflite.screen
<Enter>
:save-display $WORK/l-table.screen
jj
:save-display $WORK/l-scrolled.screen
<BS>
:save-display $WORK/l-back.screen
k
:save-display $WORK/l-again.screen
S
    run_script "$size" "$WORK/s" "$DATA" "$WORK/Tiny_Net.tflite" || fail "exit status $?"
    has "$WORK/l-first.screen" "Keyword spotting"
    has "$WORK/l-first.screen" "Layers (0)"
    has "$WORK/l-first.screen" "none stated"
    has "$WORK/l-tflite.screen" "Layers (3)"
    has "$WORK/l-tflite.screen" "Softmax"
    has "$WORK/l-tflite.screen" "FullyConnec"
    has "$WORK/l-tflite.screen" "Models: row 2 of 2"
    # Every column at full width once the table has the pane.
    has "$WORK/l-table.screen" "Layers of Tiny_Net"
    has "$WORK/l-table.screen" "# Type           Activation  Quantization  Shape in  Shape out"
    has "$WORK/l-table.screen" "1 FullyConnected Relu        Int8          [1 8]"
    has "$WORK/l-table.screen" "3 Softmax"
    has "$WORK/l-table.screen" "[1 4]"
    has "$WORK/l-table.screen" "Layers: row 1 of 3"
    has "$WORK/l-scrolled.screen" "Layers: row 3 of 3"
    has "$WORK/l-back.screen" "Models: row 2 of 2"
    has "$WORK/l-back.screen" "Boards that fit"
    has "$WORK/l-again.screen" "Layers (0)"
}

case_layers_80x24() {
    layers_case 80x24
    # The detail area is narrow at 80 columns: names are cut, never wrapped.
    [ "$(wc -L <"$WORK/l-tflite.screen")" -le 80 ] || fail "a line is wider than 80"
    # Too narrow for a detail area: Enter still shows the selected model's layers.
    printf '2j<Enter>\n:save-display %s\n' "$WORK/l-narrow.screen" >"$WORK/s"
    run_script 50x20 "$WORK/s" "$DATA" "$WORK/Tiny_Net.tflite" || fail "exit status $?"
    has "$WORK/l-narrow.screen" "Layers of Tiny_Net"
    has "$WORK/l-narrow.screen" "Softmax"
}
case_layers_160x50() {
    layers_case 160x50
    # Wide enough for the whole layer table beside the list.
    has "$WORK/l-tflite.screen" "1 FullyConnected Relu        Int8          [1 8]"
}

"case_$1"
finish
