#!/usr/bin/env bash
# Regenerates the "Compare to Go" slides: docs/slides/go-vs-rust.md from template.md, the
# twins' `// slide: NAME` … `// end slide` regions, docs/results.md and the code facts; then
# renders go-vs-rust.html with marp-cli and screenshots the slides marked `preview: NAME`
# into preview/NAME.png with headless Chromium.
#
#   docs/slides/generate.sh    (just slides)
#
# Without Chromium (CHROMIUM=/path overrides) the previews are skipped, and it says so.
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
        # The first measured table and the first chart are among the previews.
        if (cls ~ /table/ && body ~ /\| median \|/ && !table_seen++) print "<!-- preview: results -->"
        if (cls ~ /chart/ && !chart_seen++) print "<!-- preview: chart -->"
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
      "<!-- results -->") results ;;
      "<!-- startup -->") startup ;;
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
echo "slides: wrote docs/slides/go-vs-rust.html"

# preview_slides: "NUMBER NAME" for each `preview: NAME` marker; slides are split by `---` lines
# outside code blocks, after the front matter.
preview_slides() {
  awk '
    NR == 1 && /^---$/ { front = 1; next }
    front { if (/^---$/) { front = 0; slide = 1 } next }
    /^```/ { code = !code }
    !code && /^---$/ { slide++ }
    match($0, /<!-- preview: [a-z_]+ -->/) { print slide, substr($0, RSTART + 14, RLENGTH - 18) }
  ' go-vs-rust.md
}

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [[ -z $chromium ]]; then
  echo "slides: chromium not found: previews NOT rendered (apt-get install chromium)" >&2
  exit 0
fi
rm -rf preview
mkdir -p preview
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# screenshot N NAME: slide N as preview/NAME.png. Marp's bespoke HTML opens the slide named by
# the #N fragment, scaled to the window.
screenshot() {
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --window-size=1280,720 \
    --screenshot="$here/preview/$2.png" "file://$here/go-vs-rust.html#$1" </dev/null >/dev/null 2>&1
  [[ -s preview/$2.png ]]
}
while read -r n name; do
  # A first start of Chromium on a fresh profile now and then exits before it has drawn.
  screenshot "$n" "$name" || screenshot "$n" "$name" || die "chromium could not screenshot slide $n"
done < <(preview_slides)
echo "slides: wrote docs/slides/preview/*.png"
