#!/usr/bin/env bash
# Regenerates the "Compare to Go" slides: docs/slides/go-vs-rust.md from template.md, the
# twins' `// slide: NAME` … `// end slide` regions, docs/results.md and the code facts; then
# renders go-vs-rust.html with marp-cli, and check.mjs shows every slide in headless Chromium:
# it fails when anything overflows its slide or code is under 20px, and saves each slide as
# preview/NN.png.
#
#   docs/slides/generate.sh    (just slides; CHROMIUM=/path overrides /usr/bin/chromium)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

die() {
  echo "slides: $*" >&2
  exit 1
}

# shellcheck source=excerpts.sh
source "$here/excerpts.sh"

[[ -x go/mvrc && -x rust/mvrc ]] || die "go/mvrc or rust/mvrc missing: run just build"

# results: docs/results.md as slides: each section is one slide (its text, lists and tables),
# and each chart gets a slide of its own under the section's heading, its path made relative
# to docs/slides/. Code facts are left out: the facts slide measures them when it is made.
results() {
  if [[ ! -f docs/results.md ]]; then
    echo "slides: docs/results.md not found (just bench): the results slide says so" >&2
    printf '## Results\n\nNo measurements yet: run `just bench`.\n'
    return
  fi
  awk '
    function flush() {
      if (body ~ /[^ \n]/) {
        if (slides++) print "\n---\n"
        print cls
        print "\n## " head "\n" body
      }
      body = ""; cls = ""
    }
    BEGIN { head = "Results: what was measured" }
    /^```/ { code = !code; next }
    code || /^<!--/ || /^# / { next }
    /^##+ / { flush(); head = $0; sub(/^#+ /, "", head); skip = (head == "Code facts"); next }
    skip { next }
    /^!\[/ {
      flush(); img = $0; gsub(/\]\(charts\//, "](../charts/", img)
      sub(/^!\[/, "![h:480 ", img); body = "\n" img; cls = "<!-- _class: chart -->"; flush(); next
    }
    /^\|/ { cls = "<!-- _class: table -->" }
    { body = body "\n" $0 }
    END { flush() }
  ' docs/results.md
}

# split: slides (markdown on stdin) with a table given a slide of its own: the prose before it
# (when there is more than a line of it) and the notes after it go on the next and previous
# slides, under the same heading and class, so a table never pushes text off its slide.
split() {
  awk '
    function again() { print "\n---\n"; if (cls != "") print cls "\n"; print head; prose = 0; table = 0 }
    /^```/ { code = !code }
    code { print; next }
    /^---$/ { cls = ""; head = ""; prose = 0; table = 0; print; next }
    /^<!-- _class:/ { cls = $0 }
    /^## / { head = $0; print; next }
    /^\|/ { if (!table && prose > 200) again(); table = 1; print; next }
    /[^ ]/ && !/^<!--/ { if (table) again(); prose += length($0) }
    { print }
  '
}

# startup: the start-up slides that docs/slides/startup.sh wrote from a real run.
startup() {
  if [[ -f $here/startup.md ]]; then
    cat "$here/startup.md"
  else
    echo "slides: docs/slides/startup.md not found (docs/slides/startup.sh): the slide says so" >&2
    printf '## Where Go'"'"'s time goes\n\nNo measurements yet: run `docs/slides/startup.sh`.\n'
  fi
}

# expand: template.md with its directives replaced, on stdout.
expand_template() {
  local line lang text
  while IFS= read -r line; do
    [[ $line != "## "* ]] || heading=$line
    case $line in
      "<!-- side-by-side: "*" -->") side_by_side "$(awk '{ print $3 }' <<<"$line")" ;;
      "<!-- statement: "*" -->")
        read -r _ _ lang text _ <<<"$line"
        statement "$lang" "$text"
        ;;
      "<!-- facts -->") "$here/facts.sh" ;;
      "<!-- results -->") results | split ;;
      "<!-- startup -->") startup | split ;;
      *) printf '%s\n' "$line" ;;
    esac
  done <"$here/template.md"
}

md=$here/go-vs-rust.md
expand_template >"$md.tmp"
mv "$md.tmp" "$md"
echo "slides: wrote docs/slides/go-vs-rust.md"

# Render with the pinned marp-cli (package-lock.json); --html lets the two-column <div>s through.
cd "$here"
[[ -x node_modules/.bin/marp ]] || npm ci --no-audit --no-fund --silent
# No on-screen controller: keys still work, and it would cover the previews.
rm -f go-vs-rust.html
node_modules/.bin/marp --html --bespoke.osc=false --theme-set theme.css -o go-vs-rust.html -- go-vs-rust.md
[[ -s go-vs-rust.html ]] || die "marp wrote no go-vs-rust.html"
# Marp names each scoped style with a random id: number them in order, so that the same slides
# give the same HTML.
perl -0pi -e 'my (%id, $n); s{data-marpit-scope-([A-Za-z0-9]{8})}{"data-marpit-scope-" . ($id{$1} //= sprintf("%08d", $n++))}ge' go-vs-rust.html
echo "slides: wrote docs/slides/go-vs-rust.html"

chromium=${CHROMIUM:-/usr/bin/chromium}
[[ -x $chromium ]] || die "chromium not found at $chromium: the slides cannot be checked (apt-get install chromium)"
rm -rf preview
CHROMIUM=$chromium node check.mjs go-vs-rust.html preview
