# shellcheck shell=bash
# Cuts code out of the twins for the slides and lays it out: `// slide: NAME` … `// end slide`
# regions side by side, single statements, laid out to fit the slide at a size
# people can read.
# Sourced by generate.sh (which provides die, and heading: the current slide's heading).

# sources LANG: sets src to grep -r's arguments for the twin's source files, tests excluded.
sources() {
  case $1 in
    go) src=(go '--include=*.go' '--exclude=*_test.go') ;;
    rust) src=(rust/src '--include=*.rs') ;;
  esac
}

# marked LANG NAME: the twin's files holding a `// slide: NAME` region, one a line, sorted by
# file name (so namespaces.go pairs with namespaces.rs, parent.go with parent.rs).
marked() {
  sources "$1"
  grep -rlE "^[[:space:]]*// slide: $2[[:space:]]*$" "${src[@]}" |
    awk '{ n = split($0, p, "/"); print p[n] "\t" $0 }' | sort | cut -f2
}

# region NAME FILE...: sets code to the lines between `// slide: NAME` and `// end slide` in
# the files (every region, in order; tabs as 4 spaces; common indent and blank edges removed)
# and files to where they came from.
region() {
  local name=$1 region_files
  shift
  region_files=("$@")
  files=${region_files[*]}
  code=$(awk -v name="$name" '
    FNR == 1 && on { exit 1 }
    $0 ~ "^[ \t]*// slide: " name "[ \t]*$" { if (on) exit 1; on = 1; if (n++) print ""; next }
    on && /^[ \t]*\/\/ end slide[ \t]*$/ { on = 0; next }
    on { print }
    END { if (on) exit 1 }
  ' "${region_files[@]}" | expand -t 4 | awk '
    { line[NR] = $0 }
    /[^ ]/ { if (!first) first = NR; last = NR; match($0, /^ */); if (min == "" || RLENGTH < min) min = RLENGTH }
    END { for (i = first; i <= last; i++) print substr(line[i], min + 1) }
  ') || die "'// slide: $name' in ${files// /, } has no '// end slide'"
}

# fenced LANG CODE FILES: a code block with the files it came from under it.
fenced() {
  printf '```%s\n%s\n```\n\n<p class="file">%s</p>\n' "$1" "$2" "$3"
}

# statement LANG TEXT: the first statement of the twin's code that contains TEXT (through its
# open brackets and `.method()` continuation lines), with its file and line number.
statement() {
  local lang=$1 text=$2 hit file
  sources "$lang"
  hit=$(grep -rnF -e "$text" "${src[@]}" | sort | head -n 1)
  [[ -n $hit ]] || die "the $lang twin has no line with '$text'"
  file=$(cut -d: -f1 <<<"$hit")
  code=$(awk -v from="$(cut -d: -f2 <<<"$hit")" '
    NR < from { next }
    NR > from && depth <= 0 && $1 !~ /^\./ { exit }
    { print; depth += gsub(/[([{]/, "&") - gsub(/[)\]}]/, "&") }
  ' "$file" | expand -t 4 | awk '
    { line[NR] = $0; match($0, /^ */); if (min == "" || RLENGTH < min) min = RLENGTH }
    END { for (i = 1; i <= NR; i++) print substr(line[i], min + 1) }
  ')
  fenced "$lang" "$code" "$(cut -d: -f1,2 <<<"$hit")"
}

# layout CODE...: how the excerpts fit a code slide with code at 20px (monospace: a character
# is 0.6em wide, a line 1.3em high; check.mjs measures the real thing): "cols" (side by side,
# no line wrapped), "stacked" (one under the other, full width) or "apart" (a slide each). Fails
# when one excerpt alone does not fit a slide: shorten its region. Lines may wrap at spaces only
# when full width.
layout() {
  printf '%s\n\f\n' "$@" | awk '
    # rows(i, per_row): the rows excerpt i takes at per_row characters a row, or 1000 if a
    # line does not fit and may not wrap.
    function rows(i, per_row, wrap,   j, r) {
      for (j = 1; j <= lines[i]; j++) {
        if (!wrap && len[i, j] > per_row) return 1000
        r += len[i, j] ? int((len[i, j] - 1) / per_row) + 1 : 1
      }
      return r
    }
    BEGIN { n = 0 }
    /^\f$/ { n++; next }
    { len[n, ++lines[n]] = length($0) }
    END {
      both = 0; worst = 0
      for (i = 0; i < n; i++) {
        two = rows(i, 46, 0); one = rows(i, 96, 1)
        if (two > tallest) tallest = two
        both += one
        if (one > worst) { worst = one; which = i }
      }
      if (tallest <= 20) { print "cols"; exit }
      if (both <= 18) { print "stacked"; exit }
      if (worst <= 20) { print "apart"; exit }
      printf "excerpt %d takes %d rows at 20px (20 fit a slide)\n", which + 1, worst
      exit 1
    }'
}

# pair NAME GO_FILES RUST_FILES: the regions called NAME, Go then Rust, laid out by layout (the
# file lists are newline-separated).
pair() {
  local go go_files list how
  mapfile -t list <<<"$2"
  region "$1" "${list[@]}"
  go=$code go_files=$files
  mapfile -t list <<<"$3"
  region "$1" "${list[@]}"
  how=$(layout "$go" "$code") || die "'// slide: $1' in $go_files and $files: $how: shorten the region"
  case $how in
    cols)
      printf '<div class="cols">\n<div>\n\n'
      fenced go "$go" "$go_files"
      printf '\n</div>\n<div>\n\n'
      fenced rust "$code" "$files"
      printf '\n</div>\n</div>\n'
      ;;
    stacked)
      fenced go "$go" "$go_files"
      printf '\n'
      fenced rust "$code" "$files"
      ;;
    apart)
      fenced go "$go" "$go_files"
      printf '\n---\n\n<!-- _class: code -->\n\n%s\n\n' "$heading"
      fenced rust "$code" "$files"
      ;;
  esac
}

# stem PATH...: the file names without directory and extension.
stem() { for f; do f=${f##*/}; echo "${f%.*}"; done; }

# side_by_side NAME: the Go and Rust regions called NAME. Files of the same name pair up, one
# slide each (namespaces.go | namespaces.rs, then parent.go | parent.rs), under the current
# slide's heading; if the files do not pair up, every region goes on one slide.
side_by_side() {
  local name=$1 go rust i
  mapfile -t go < <(marked go "$name")
  mapfile -t rust < <(marked rust "$name")
  ((${#go[@]})) || die "no '// slide: $name' region in the go twin"
  ((${#rust[@]})) || die "no '// slide: $name' region in the rust twin"
  if [[ $(stem "${go[@]}") != "$(stem "${rust[@]}")" ]]; then
    pair "$name" "$(printf '%s\n' "${go[@]}")" "$(printf '%s\n' "${rust[@]}")"
    return
  fi
  for i in "${!go[@]}"; do
    ((i == 0)) || printf '\n---\n\n<!-- _class: code -->\n\n%s\n\n' "$heading"
    pair "$name" "${go[i]}" "${rust[i]}"
  done
}
