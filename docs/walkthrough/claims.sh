# shellcheck shell=bash
# The walkthrough's claims: each step states a claim in words and proves it on the real output.
# Sourced by generate.sh. A claim tests what must be true (PID 1 inside, two inodes differ),
# never byte-equality: PIDs and inode numbers change on every run.

failed=()

# claim TEXT TEST [ARG...]: runs TEST; the page gets TEXT with a mark; a failure is remembered
# (all steps still run, so one run shows every broken claim) and makes the generator fail.
claim() {
  local text=$1
  shift
  if "$@"; then
    list_item "- ✔ $text"
  else
    list_item "- ✘ $text"
    failed+=("step $step: $text")
  fi
}

# The predicates, on text captured from a step.
has() { grep -qE -- "$2" <<<"$1"; }            # TEXT REGEX: some line matches
lacks() { ! has "$@"; }                        # TEXT REGEX: no line matches
is() { [[ $1 == "$2" ]]; }                     # A B: equal strings
differ() { [[ -n $1 && -n $2 && $1 != "$2" ]]; } # A B: both there, and different

# ns_links TEXT: every "NAME:[INODE]" namespace link in TEXT, sorted, one a line.
ns_links() { grep -oE '[a-z_]+:\[[0-9]+\]' <<<"$1" | sort -u; }

# same_namespaces A B: the namespace links listed in B (the host's) all appear in A.
same_namespaces() {
  local missing
  [[ -n $(ns_links "$2") ]] || return 1
  missing=$(comm -13 <(ns_links "$1") <(ns_links "$2"))
  [[ -z $missing ]]
}

# status_field TEXT NAME: the first value of a /proc/PID/status line "NAME:".
status_field() { awk -v k="$2:" '$1 == k { print $2; exit }' <<<"$1"; }

# nspid_inside TEXT: the last value of NSpid, the PID in the innermost namespace.
nspid_inside() { awk '$1 == "NSpid:" { print $NF; exit }' <<<"$1"; }

# process_count PS_OUTPUT: the processes listed by ps (lines after the header).
process_count() { tail -n +2 <<<"$1" | grep -c . || true; }

# names TEXT: the non-warning lines of TEXT, sorted: a directory listing to compare.
names() { grep -v '^mvrc: ' <<<"$1" | sort; }

# finish_claims: the generator's verdict.
finish_claims() {
  if ((${#failed[@]})); then
    printf 'walkthrough: claim failed: %s\n' "${failed[@]}" >&2
    return 1
  fi
}
