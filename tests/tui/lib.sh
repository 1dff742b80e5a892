# Shared by the UI tests: a private, pinned environment, the headless
# scripted runner and tmux helpers. Sourced, not run.
set -u

BIN=${TINYSCOPE_BIN:?TINYSCOPE_BIN is not set}
ROOT=${TS_SOURCE_ROOT:?TS_SOURCE_ROOT is not set}
DATA="$ROOT/tests/data/tui/bench-kit.ttl"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tinyscope-tui.XXXXXX")
cleanup() {
    if [ -n "${TMUX_SOCK:-}" ]; then
        tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# Nothing from the user's set-up leaks in: config, history, colours, size.
export HOME="$WORK/home"
export XDG_CONFIG_HOME="$WORK/config"
export XDG_STATE_HOME="$WORK/state"
# No benchmark results and no USB serial ports but the tests' own.
export XDG_DATA_HOME="$WORK/data"
export TINYSCOPE_SYSFS="$WORK/sysfs"
export LC_ALL=C.UTF-8
export TZ=UTC
unset NO_COLOR TINYSCOPE_TRACE TINYSCOPE_SCRIPT
mkdir -p "$HOME"
# Whatever the UI writes by default (an export) lands in the scratch directory.
cd "$WORK" || exit 1

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "ok"
    exit 0
}

# has FILE TEXT: the screen file contains TEXT (fixed string).
has() {
    grep -qF -- "$2" "$1" || { fail "$1 lacks '$2'"; sed 's/^/  | /' "$1" >&2; }
}
lacks() {
    if grep -qF -- "$2" "$1"; then fail "$1 has '$2'"; fi
}

# run_script COLSxROWS SCRIPT [ARGS...]: the UI headless on a key script.
run_script() {
    local size=$1 script=$2
    shift 2
    COLUMNS=${size%x*} LINES=${size#*x} TERM=xterm-256color TINYSCOPE_SCRIPT="$script" \
        "$BIN" "$@"
}

# ---- tmux ----------------------------------------------------------------

need_tmux() {
    if ! command -v tmux >/dev/null 2>&1; then
        echo "skipped: tmux is not installed" >&2
        exit 77
    fi
}

# tmux_start COLSxROWS ARGS...: tinyscope in a detached tmux session.
tmux_start() {
    local size=$1
    shift
    TMUX_SOCK="tinyscope-test-$$"
    local cmd="$BIN"
    for a in "$@"; do
        cmd="$cmd '$a'"
    done
    tmux -L "$TMUX_SOCK" -f /dev/null -u new-session -d -x "${size%x*}" -y "${size#*x}" \
        "env TERM=tmux-256color ${TS_EXTRA_ENV:-} $cmd; sleep 30"
    tmux -L "$TMUX_SOCK" set -g window-size manual >/dev/null
}

tmux_keys() {
    tmux -L "$TMUX_SOCK" send-keys "$@"
}

# capture [-e]: the pane's text now.
capture() {
    tmux -L "$TMUX_SOCK" capture-pane -p "$@"
}

# poll_screen SHOWN GREP_FLAG TEXT [SECONDS]: poll the screen (bounded)
# until `grep GREP_FLAG TEXT` finds it (SHOWN=1) or does not (SHOWN=0).
poll_screen() {
    local shown=$1 flag=$2 text=$3 limit=${4:-10} i=0
    local tries=$((limit * 20))
    while [ "$i" -lt "$tries" ]; do
        if capture | grep -q "$flag" -- "$text"; then
            [ "$shown" = 1 ] && return 0
        else
            [ "$shown" = 0 ] && return 0
        fi
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

# wait_for TEXT [SECONDS]: poll the screen until TEXT shows.
wait_for() {
    poll_screen 1 -F "$1" "${2:-10}" && return 0
    fail "timed out waiting for '$1'"
    capture | sed 's/^/  | /' >&2
    return 1
}

# wait_match REGEX [SECONDS]: poll until an extended regular expression
# matches a line of the screen.
wait_match() {
    poll_screen 1 -E "$1" "${2:-10}" && return 0
    fail "timed out waiting for /$1/"
    capture | sed 's/^/  | /' >&2
    return 1
}

# wait_gone TEXT [SECONDS]: poll until TEXT is no longer on the screen.
wait_gone() {
    poll_screen 0 -F "$1" "${2:-10}" && return 0
    fail "'$1' still on the screen"
    return 1
}
