#!/usr/bin/env bash
# The course's commands. Each one first sets up .venv/ at the repository root
# (created on first use; requirements.txt and mlkit, editable, installed
# again whenever requirements.txt or pyproject.toml change).
#
#   ./dev.sh book       build the HTML book into _build/html, Korean edition in _build/html/ko
#   ./dev.sh catalogues update the Korean book's translation catalogues (book/locales/ko)
#   ./dev.sh test       run the whole test suite, book build included
#                       (extra arguments go to pytest, e.g. ./dev.sh test -m "not slow")
#   ./dev.sh release    regenerate exercises/ from solutions/ with nbgrader (after putting the
#                       Colab set-up cell first in each source notebook), then the translations
#   ./dev.sh translations  update the assignments' catalogues (exercises/locales/) and write
#                       the translated releases (exercises/ko/) from both
#   ./dev.sh notebooks  regenerate the chapters' notebooks (book/*.ipynb) for Colab and Binder
#   ./dev.sh setup      only set up .venv/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PYTHON="${PYTHON:-python3}"
VENV=.venv
STAMP="$VENV/.installed"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

create_venv() {
    command -v "$PYTHON" >/dev/null || die "$PYTHON not found: install Python 3.11 or newer (e.g. apt-get install python3)."
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || die "Python 3.11 or newer is needed; $PYTHON is $("$PYTHON" --version 2>&1)."
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        # Debian and Ubuntu ship venv's pip bootstrap in a separate package.
        local pkg
        pkg="python$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-venv"
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            say "Installing $pkg (needed to create a virtual environment)"
            apt-get update -qq && apt-get install -y -qq "$pkg" >/dev/null
            "$PYTHON" -m venv "$VENV"
        else
            die "could not create $VENV: install the venv module first (sudo apt-get install $pkg)."
        fi
    fi
}

setup() {
    [ -x "$VENV/bin/python" ] || { say "Creating $VENV"; create_venv; }
    local wanted
    wanted=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$STAMP" 2>/dev/null)" != "$wanted" ]; then
        say "Installing requirements.txt and mlkit into $VENV (first time: several minutes)"
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -r requirements.txt
        "$VENV/bin/python" -m pip install --quiet --no-deps -e .
        echo "$wanted" > "$STAMP"
    fi
    # nbgrader runs `alembic` and the book runs `jupyter`: the venv's bin/ must come first.
    export PATH="$PWD/$VENV/bin:$PATH"
}

# System tools the tests need (Debian packages): bubblewrap sandboxes the autograder;
# the gradebook tests also run against a PostgreSQL server, started by the tests on loopback;
# the browser tests open the built book in Chromium. The book itself needs a font with
# Hangul: the Korean edition's figures are drawn with it (and Chromium shows Korean text with it).
# Each entry is "command-or-file:package".
BOOK_TOOLS=(/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:fonts-noto-cjk)
SYSTEM_TOOLS=(bwrap:bubblewrap pg_ctlcluster:postgresql chromium:chromium "${BOOK_TOOLS[@]}")

# system_tools ENTRY...: install the Debian packages of the entries that are missing.
system_tools() {
    local missing=() entry check
    for entry in "$@"; do
        check="${entry%%:*}"
        if [[ "$check" == /* ]]; then
            [ -e "$check" ] || missing+=("${entry#*:}")
        else
            command -v "$check" >/dev/null || missing+=("${entry#*:}")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "Installing ${missing[*]}"
        apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        die "${missing[*]} needed: sudo apt-get install ${missing[*]}"
    fi
}

build_book() {
    say "Building the book: the English edition, then the Korean one"
    python book/_ext/editions.py build "$@"
}

release() {
    local assignment
    say "Putting the Colab and Binder set-up cell first in each source notebook"
    python -m mlkit.grading.setup_cell
    for assignment in solutions/*/; do
        assignment=$(basename "$assignment")
        say "Releasing $assignment"
        nbgrader generate_assignment "$assignment" --force
    done
    translations
}

translations() {
    say "Updating the catalogues of exercises/locales/ from exercises/"
    python -m mlkit.grading.translations update
    say "Writing the translated releases"
    python -m mlkit.grading.translations release
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
    book)    setup; system_tools "${BOOK_TOOLS[@]}"; build_book "$@" ;;
    catalogues) setup; system_tools "${BOOK_TOOLS[@]}"; python book/_ext/editions.py catalogues ;;
    test)    setup; system_tools "${SYSTEM_TOOLS[@]}"; exec python -m pytest -n 2 "$@" ;;
    release) setup; release ;;
    translations) setup; translations ;;
    notebooks) setup; python book/_ext/notebooks.py ;;
    setup)   setup ;;
    *)       sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
